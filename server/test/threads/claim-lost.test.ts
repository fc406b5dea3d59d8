import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient, ThreadSummary } from '../../../client-sdk/src/index.ts';
import { expectApiError } from '../helpers/api-error.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

describe.each(databaseTargets())('a claim that lost the race on %s', (target) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  async function enquiryIn(agencyId: string, loser: CounselClient): Promise<{ id: string; listed: ThreadSummary }> {
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId, text: 'who takes me?' });
    const listed = (await loser.listEnquiries()).find((t) => t.id === thread.id);
    expect(listed).toBeDefined();
    return { id: thread.id, listed: listed as ThreadSummary };
  }

  it.each(['solo', 'team'] as const)(
    'should answer 409 THREAD_ALREADY_CLAIMED to a colleague in a %s agency, by id or by summary',
    async (kind) => {
      const [winner, loser] = kind === 'solo' ? world.solo.counsellors : world.team.counsellors;
      const agencyId = world[kind].id;
      const { id, listed } = await enquiryIn(agencyId, loser);
      await winner.claim(id);
      await expectApiError(loser.claim(id), 409, 'THREAD_ALREADY_CLAIMED');
      await expectApiError(loser.claim(listed), 409, 'THREAD_ALREADY_CLAIMED');
      // Losing the race is not a team-view read of the colleague's case.
      const log = await server.db.database.db
        .selectFrom('teamViewAccessLog')
        .select('counsellorId')
        .where('threadId', '=', id)
        .execute();
      expect(log).toEqual([]);
    },
  );

  it('should still give 404 to counsellors of other agencies and to unknown ids', async () => {
    const [, loser] = world.solo.counsellors;
    const { id } = await enquiryIn(world.solo.id, loser);
    await expectApiError(world.team.counsellors[0].claim(id), 404, 'THREAD_NOT_FOUND');
    await expectApiError(loser.claim(crypto.randomUUID()), 404, 'THREAD_NOT_FOUND');
    // The claim by id works when nobody was faster.
    expect((await loser.claim(id)).counsellorId).toBe(loser.userId);
  });
});
