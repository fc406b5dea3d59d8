import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_VISIT_MINUTES } from '../../src/threads/access-log.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

describe.each(databaseTargets())('team-view access log on %s', (target) => {
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  it('should write one entry per visit of a colleague, and a new one for a later visit', async () => {
    const [owner, colleague] = world.team.counsellors;
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.team.id, text: 'help' });
    await owner.claim(thread.id);

    // One visit: the case, its history and its members are loaded several times.
    await colleague.getThread(thread.id);
    await colleague.history(thread.id);
    await colleague.getThread(thread.id);
    await colleague.sendMessage(thread.id, 'covering for my colleague');
    await colleague.sendMessage(thread.id, 'and once more');
    const visit = await owner.threadAccessLog(thread.id);
    expect(visit.map((entry) => entry.action).sort()).toEqual(['read', 'write']);
    expect(visit.every((entry) => entry.counsellorId === colleague.userId)).toBe(true);

    // The same colleague comes back after the visit window: that is a new entry.
    await sql`update team_view_access_log set accessed_at = accessed_at - make_interval(mins => ${ACCESS_VISIT_MINUTES + 1}) where thread_id = ${thread.id}`.execute(
      server.db.database.db,
    );
    await colleague.getThread(thread.id);
    const later = await owner.threadAccessLog(thread.id);
    expect(later.filter((entry) => entry.action === 'read')).toHaveLength(2);
  });
});
