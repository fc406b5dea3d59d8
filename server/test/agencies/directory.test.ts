import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicDirectory } from '../../../client-sdk/src/index.ts';
import { expectApiError } from '../helpers/api-error.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newCounsellor, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

describe.each(databaseTargets())('the public directory and counsellor links on %s', (target) => {
  let server: TestServer;
  let world: World;
  let directory: PublicDirectory;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
    directory = new PublicDirectory(server.url);
  });
  afterAll(async () => server?.close());

  it('should answer every lookup without an account', async () => {
    expect((await directory.listTopics()).map((t) => t.id)).toContain(world.topic.id);
    expect((await directory.findAgencies(world.topic.id, '15000')).map((a) => a.id)).toEqual([world.team.id]);
    expect(await directory.findAgencies(world.topic.id, '99999')).toEqual([
      expect.objectContaining({ id: world.virtual.id, isVirtual: true, absenceNotices: [] }),
    ]);
    expect(await directory.resolveLink(world.solo.linkCode)).toMatchObject({ kind: 'agency', agencyId: world.solo.id });
    expect(await directory.presence(world.solo.id)).toBe(0);
    await expectApiError(directory.resolveLink('unknown-code-123'), 404, 'LINK_CODE_INVALID');
    await expectApiError(directory.findAgencies(crypto.randomUUID(), '15000'), 404, 'TOPIC_NOT_FOUND');
  });

  it('should list the absence notices in force of each agency’s counsellors on the landing page', async () => {
    const [a1, a2, a3] = world.team.counsellors;
    const until = new Date(Date.now() + 7 * 86_400_000);
    await a1.setAbsence('On holiday, my colleagues answer', until);
    await a2.setAbsence('Back soon');
    await a3.setAbsence('Long over', new Date(Date.now() - 86_400_000));
    // A counsellor of two agencies shows up in both.
    const both = await newCounsellor(server, world.admin, [world.team.id, world.solo.id], 'BothAgencies');
    await both.setAbsence('In training this week');

    const [team] = await directory.findAgencies(world.topic.id, '15000');
    expect(team?.absenceNotices).toHaveLength(3);
    expect(team?.absenceNotices).toEqual(
      expect.arrayContaining([
        { counsellorName: a1.me.displayName, message: 'On holiday, my colleagues answer', until: until.toISOString() },
        { counsellorName: a2.me.displayName, message: 'Back soon', until: null },
        { counsellorName: 'BothAgencies', message: 'In training this week', until: null },
      ]),
    );
    const [solo] = await directory.findAgencies(world.topic.id, '25000');
    expect(solo?.absenceNotices).toEqual([{ counsellorName: 'BothAgencies', message: 'In training this week', until: null }]);
    await both.clearAbsence();
    expect((await directory.findAgencies(world.topic.id, '25000'))[0]?.absenceNotices).toEqual([]);
    expect(await a2.getAbsence()).toEqual({ message: 'Back soon', until: null });
    expect(await a3.getAbsence()).toBeNull();
  });

  it('should build personal and agency link URLs that resolve to the counsellor and the agency', async () => {
    const [b1] = world.solo.counsellors;
    const personal = b1.personalLinkUrl();
    expect(personal).toBe(`${new URL(server.url).origin}/l/${b1.me.memberships[0]?.personalCode}`);
    const code = decodeURIComponent(personal.split('/l/')[1] as string);
    expect(await directory.resolveLink(code)).toMatchObject({ kind: 'counsellor', counsellorId: b1.userId, agencyId: world.solo.id });
    expect(b1.personalLinkUrl(world.solo.id, 'https://beratung.example.org/')).toBe(`https://beratung.example.org/l/${code}`);
    const agencyLink = b1.agencyLinkUrl(undefined, 'https://beratung.example.org');
    expect(agencyLink).toBe(`https://beratung.example.org/l/${world.solo.linkCode}`);
    expect(() => b1.personalLinkUrl(world.team.id)).toThrow(/Not a member/);
  });
});
