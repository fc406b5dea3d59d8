import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient, Topic } from '../../../client-sdk/src/index.ts';
import { expectApiError } from '../helpers/api-error.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newAdmin, newCounsellor, newSeeker, startServer, type TestServer } from '../helpers/server.ts';

describe.each(databaseTargets())('admin console listings on %s', (target) => {
  let server: TestServer;
  let admin: CounselClient;
  let topic: Topic;
  let second: Topic;

  beforeAll(async () => {
    server = await startServer(target);
    admin = await newAdmin(server);
    topic = await admin.adminCreateTopic('Family');
    second = await admin.adminCreateTopic('Debt', { virtualAgencyName: 'Debt online', virtualAgencyIsTeam: false });
  });
  afterAll(async () => server?.close());

  it('should answer a duplicate topic name with 409 TOPIC_NAME_TAKEN and keep the first topic', async () => {
    await expectApiError(admin.adminCreateTopic('Family'), 409, 'TOPIC_NAME_TAKEN');
    const topics = await admin.listTopics();
    expect(topics.filter((t) => t.name === 'Family').map((t) => t.id)).toEqual([topic.id]);
  });

  it('should list agencies with team flag, topics, postcode ranges and members', async () => {
    const agency = await admin.adminCreateAgency({ name: 'Harbour', isTeam: true, topicIds: [topic.id], postcodeRanges: [{ from: '20000', to: '20999' }] });
    await admin.adminAddPostcodes(agency.id, [{ from: '22000', to: '22099' }]);
    await admin.adminAddTopics(agency.id, [second.id]);
    const dana = await newCounsellor(server, admin, [agency.id], 'Dana', true);

    const agencies = await admin.adminListAgencies();
    expect(agencies.find((a) => a.id === agency.id)).toEqual({
      id: agency.id,
      name: 'Harbour',
      isTeam: true,
      isVirtual: false,
      linkCode: agency.linkCode,
      topics: [
        { id: second.id, name: 'Debt' },
        { id: topic.id, name: 'Family' },
      ],
      postcodeRanges: [
        { from: '20000', to: '20999' },
        { from: '22000', to: '22099' },
      ],
      members: [{ userId: dana.userId, displayName: 'Dana', isAgencyAdmin: true }],
    });
    expect(agencies.find((a) => a.id === second.virtualAgencyId)).toMatchObject({
      name: 'Debt online',
      isTeam: false,
      isVirtual: true,
      topics: [{ id: second.id, name: 'Debt' }],
      postcodeRanges: [],
      members: [],
    });
    await expectApiError(admin.adminAddPostcodes(agency.id, [{ from: '30000', to: '29999' }]), 400, 'POSTCODE_RANGE_INVALID');
    await expectApiError(admin.adminAddTopics(crypto.randomUUID(), [topic.id]), 404, 'AGENCY_NOT_FOUND');
  });

  it('should list staff with role, names, activation state and memberships, and nothing secret', async () => {
    const agency = await admin.adminCreateAgency({ name: 'Riverside', isTeam: false, topicIds: [topic.id], postcodeRanges: [] });
    const active = await newCounsellor(server, admin, [agency.id], 'Rhea');
    const pending = await admin.adminCreateStaff({ role: 'counsellor', displayName: 'Not yet', agencyIds: [agency.id], email: 'ny@example.org' });
    const staff = await admin.adminListStaff();
    expect(staff.find((s) => s.id === active.userId)).toEqual({
      id: active.userId,
      role: 'counsellor',
      displayName: 'Rhea',
      username: 'rhea',
      email: null,
      activated: true,
      memberships: [{ agencyId: agency.id, agencyName: 'Riverside', isAgencyAdmin: false }],
    });
    expect(staff.find((s) => s.id === pending.userId)).toMatchObject({ username: null, activated: false, email: 'ny@example.org' });
    expect(staff.find((s) => s.id === admin.userId)).toMatchObject({ role: 'admin', activated: true, memberships: [] });
    expect(JSON.stringify(staff)).not.toContain(pending.activationCode);
    // Seekers are not staff.
    const seeker = await newSeeker(server);
    expect(staff.map((s) => s.id)).not.toContain(seeker.userId);
  });

  it('should keep the admin listings for admins', async () => {
    const seeker = await newSeeker(server);
    const agency = await admin.adminCreateAgency({ name: 'Closed doors', isTeam: false, topicIds: [topic.id], postcodeRanges: [] });
    const counsellor = await newCounsellor(server, admin, [agency.id]);
    for (const client of [seeker, counsellor]) {
      await expectApiError(client.adminListStaff(), 403, 'FORBIDDEN_ROLE');
      await expectApiError(client.adminListAgencies(), 403, 'FORBIDDEN_ROLE');
    }
    for (const path of ['/v1/admin/staff', '/v1/admin/agencies']) expect((await fetch(`${server.url}${path}`)).status).toBe(401);
  });
});
