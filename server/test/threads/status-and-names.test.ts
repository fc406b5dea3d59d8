import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from '../helpers/api-error.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

describe.each(databaseTargets())('reopening cases and naming who is who on %s', (target) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  it('should reopen a closed or archived case for those who may close it, and nobody else', async () => {
    const [b1, b2] = world.solo.counsellors;
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'help' });
    await b1.claim(thread.id);
    expect((await b1.closeThread(thread.id)).status).toBe('closed');
    await expectApiError(b2.reopenThread(thread.id), 404, 'THREAD_NOT_FOUND');
    await expectApiError(seeker.reopenThread(thread.id), 403, 'FORBIDDEN_ROLE');
    expect((await b1.reopenThread(thread.id)).status).toBe('active');
    await expectApiError(b1.reopenThread(thread.id), 409, 'THREAD_STATUS_CONFLICT');
    expect((await b1.archiveThread(thread.id)).status).toBe('archived');
    expect((await b1.reopenThread(thread.id)).status).toBe('active');
    expect((await seeker.getThread(thread.id)).status).toBe('active');
    // An enquiry is not "reopened": it is claimed.
    const enquiry = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'another' });
    await expectApiError(b1.reopenThread(enquiry.id), 404, 'THREAD_NOT_FOUND');
  });

  it('should let a team colleague reopen a case, written to the access log', async () => {
    const [a1, a2] = world.team.counsellors;
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.team.id, text: 'team case' });
    await a1.claim(thread.id);
    await a1.closeThread(thread.id);
    expect((await a2.reopenThread(thread.id)).status).toBe('active');
    const entries = await a1.threadAccessLog(thread.id);
    expect(entries).toContainEqual(expect.objectContaining({ counsellorId: a2.userId, action: 'write' }));
  });

  it('should name topic and agency in every listing and the detail, and staff (not seekers) among members', async () => {
    const [b1] = world.solo.counsellors;
    const seeker = await newSeeker(server);
    const created = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'names?' });
    const names = { topicName: world.topic.name, agencyName: 'Agency South' };
    expect(created).toMatchObject(names);
    expect((await seeker.listMyThreads()).find((t) => t.id === created.id)).toMatchObject(names);
    expect((await b1.listEnquiries()).find((t) => t.id === created.id)).toMatchObject(names);
    await b1.claim(created.id);
    expect((await b1.listMyThreads()).find((t) => t.id === created.id)).toMatchObject(names);
    expect(await b1.getThread(created.id)).toMatchObject(names);

    const members = await seeker.threadMembers(created.id);
    const byId = new Map(members.map((member) => [member.userId, member]));
    expect(byId.get(b1.userId)).toMatchObject({ displayName: b1.me.displayName, role: 'counsellor', isReader: true });
    expect(b1.me.displayName).toEqual(expect.any(String));
    expect(byId.get(seeker.userId)).toMatchObject({ displayName: null, role: 'seeker', isReader: true });
  });
});
