import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient, type DecryptedMessage } from '../../../client-sdk/src/index.ts';
import { databaseTargets } from '../helpers/database.ts';
import { PASSWORD, startServer, uniqueName, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

/**
 * A fetch whose first message POST fails the way networks do: `lose` forwards it and then loses
 * the answer (the server stored it), `refuse` answers like a proxy without forwarding.
 */
function flakyFetch(mode: 'lose' | 'proxy-502-after-store' | 'refuse-503') {
  let failed = false;
  const calls: string[] = [];
  const impl: typeof fetch = async (input, init) => {
    const url = String(input);
    const isSend = init?.method === 'POST' && /\/messages$/.test(new URL(url).pathname);
    if (isSend) calls.push(url);
    if (!isSend || failed) return fetch(input, init);
    failed = true;
    if (mode === 'refuse-503') return new Response(null, { status: 503, statusText: 'Service Unavailable' });
    await fetch(input, init);
    if (mode === 'lose') throw new TypeError('fetch failed');
    return new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' });
  };
  return { impl, sends: () => calls.length };
}

describe.each(databaseTargets())('history paging and send retries on %s', (target) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  async function seekerWith(fetchImpl: typeof fetch): Promise<CounselClient> {
    return CounselClient.register({
      baseUrl: server.url,
      username: uniqueName('seeker'),
      password: PASSWORD,
      kdfProfile: 'minimum',
      fetch: fetchImpl,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
  }

  it('should iterate every message oldest first across pages, from the start or after a position', async () => {
    const seeker = await seekerWith(fetch);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'message 1' });
    for (let i = 2; i <= 11; i++) await seeker.sendMessage(thread.id, `message ${i}`);
    const all: DecryptedMessage[] = [];
    for await (const message of seeker.messages(thread.id, { pageSize: 3 })) all.push(message);
    expect(all.map((m) => m.text)).toEqual(Array.from({ length: 11 }, (_, i) => `message ${i + 1}`));
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));

    const tail: string[] = [];
    for await (const message of seeker.messages(thread.id, { afterSeq: 8, pageSize: 2 })) tail.push(message.text ?? '');
    expect(tail).toEqual(['message 9', 'message 10', 'message 11']);
    // A page size that divides the count exactly still ends, and the counsellor reads the same.
    const [b1] = world.solo.counsellors;
    let count = 0;
    for await (const message of b1.messages(thread.id, { pageSize: 11 })) count += message.failure === null ? 1 : 0;
    expect(count).toBe(11);
  });

  it.each(['lose', 'proxy-502-after-store', 'refuse-503'] as const)(
    'should retry a send after a network failure (%s) with the same client id and store it once',
    async (mode) => {
      const flaky = flakyFetch(mode);
      const seeker = await seekerWith(flaky.impl);
      const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'first' });
      const sent = await seeker.sendMessage(thread.id, `retried (${mode})`);
      expect(flaky.sends()).toBe(2);
      const rows = await server.db.database.db
        .selectFrom('messages')
        .select(['id', 'seq'])
        .where('threadId', '=', thread.id)
        .where('clientMessageId', '=', sent.clientMessageId)
        .execute();
      expect(rows).toEqual([{ id: sent.id, seq: 2 }]);
      expect((await seeker.history(thread.id)).messages.map((m) => m.text)).toEqual(['first', `retried (${mode})`]);
    },
  );
});
