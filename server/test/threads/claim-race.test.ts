import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type CounselClient } from '../../../client-sdk/src/index.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newAdmin, newCounsellor, newSeeker, startServer, type TestServer } from '../helpers/server.ts';

describe.each(databaseTargets())('concurrent claims on %s', (target) => {
  let server: TestServer;
  let counsellors: CounselClient[];
  let agencyId: string;
  let topicId: string;

  beforeAll(async () => {
    server = await startServer(target);
    const admin = await newAdmin(server);
    const topic = await admin.adminCreateTopic('Debt counselling');
    topicId = topic.id;
    const agency = await admin.adminCreateAgency({ name: 'Busy agency', isTeam: false, topicIds: [topic.id], postcodeRanges: [] });
    agencyId = agency.id;
    counsellors = await Promise.all(Array.from({ length: 20 }, () => newCounsellor(server, admin, [agency.id])));
  });
  afterAll(async () => server?.close());

  it('should give exactly one winner among twenty concurrent claims; the others get 409', async () => {
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId, agencyId, text: 'who takes me?' });
    const inbox = await Promise.all(counsellors.map(async (c) => (await c.listEnquiries()).find((t) => t.id === thread.id)));
    expect(inbox.every(Boolean)).toBe(true);

    const results = await Promise.allSettled(counsellors.map((c, i) => c.claim(inbox[i] as NonNullable<(typeof inbox)[number]>)));
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) {
      expect(loser.reason).toBeInstanceOf(ApiError);
      expect((loser.reason as ApiError).status).toBe(409);
      expect((loser.reason as ApiError).code).toBe('THREAD_ALREADY_CLAIMED');
    }
    const winnerIndex = results.findIndex((r) => r.status === 'fulfilled');
    const winner = counsellors[winnerIndex] as CounselClient;
    const detail = await seeker.getThread(thread.id);
    expect(detail).toMatchObject({ status: 'active', counsellorId: winner.userId, currentEpoch: 1 });
    // Exactly one claimed epoch was written, sealed to seeker and winner.
    const envelopes = await server.db.database.db
      .selectFrom('threadKeyEnvelopes')
      .select(['recipientId'])
      .where('threadId', '=', thread.id)
      .where('epoch', '=', 1)
      .execute();
    expect(envelopes.map((e) => e.recipientId).sort()).toEqual([seeker.userId, winner.userId].sort());
    await seeker.sendMessage(thread.id, 'thanks');
    expect((await winner.history(thread.id)).messages.map((m) => m.text)).toEqual(['who takes me?', 'thanks']);
  });
});
