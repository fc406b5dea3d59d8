import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient, MessageView } from '../../../client-sdk/src/index.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

describe.each(databaseTargets())('message idempotency and history on %s', (target) => {
  let server: TestServer;
  let world: World;
  let seeker: CounselClient;
  let threadId: string;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
    seeker = await newSeeker(server);
    threadId = (await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'first' })).id;
  });
  afterAll(async () => server?.close());

  it('should store one message for a retried send with the same client message id', async () => {
    const clientMessageId = randomUUID();
    const first = await seeker.sendMessage(threadId, 'retry me', { clientMessageId });
    // The retry re-sends the exact same ciphertext, as a client does after a lost response.
    const page = await seeker.http.request<{ messages: MessageView[] }>('GET', `/v1/threads/${threadId}/messages`);
    const stored = page.messages.find((m) => m.clientMessageId === clientMessageId) as MessageView;
    const body = { clientMessageId, epoch: stored.epoch, nonce: stored.nonce, ciphertext: stored.ciphertext, signature: stored.signature };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${server.url}/v1/threads/${threadId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${seeker.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const replies = (await Promise.all(responses.map((r) => r.json()))) as MessageView[];
    expect(new Set(replies.map((r) => r.id))).toEqual(new Set([first.id]));
    const rows = await server.db.database.db
      .selectFrom('messages')
      .select('id')
      .where('threadId', '=', threadId)
      .where('clientMessageId', '=', clientMessageId)
      .execute();
    expect(rows).toHaveLength(1);

    // The same id with different content is a conflict, not an overwrite.
    const conflict = await fetch(`${server.url}/v1/threads/${threadId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seeker.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, ciphertext: `${body.ciphertext.slice(0, -2)}AA` }),
    });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { code: string }).code).toBe('MESSAGE_DUPLICATE_ID');
  });

  it('should number messages without gaps and page forwards and backwards', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => seeker.sendMessage(threadId, `burst ${i}`)));
    const all = await seeker.history(threadId, { afterSeq: 0, limit: 500 });
    expect(all.messages.map((m) => m.seq)).toEqual(Array.from({ length: all.lastSeq }, (_, i) => i + 1));
    const firstPage = await seeker.history(threadId, { afterSeq: 0, limit: 4 });
    const nextPage = await seeker.history(threadId, { afterSeq: 4, limit: 4 });
    expect(firstPage.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(nextPage.messages.map((m) => m.seq)).toEqual([5, 6, 7, 8]);
    const tail = await seeker.history(threadId, { beforeSeq: all.lastSeq + 1, limit: 3 });
    expect(tail.messages.map((m) => m.seq)).toEqual([all.lastSeq - 2, all.lastSeq - 1, all.lastSeq]);
    expect(all.messages.every((m) => m.failure === null)).toBe(true);
  });

  it('should reject a message on a stale epoch', async () => {
    const [b1] = world.solo.counsellors;
    const inbox = (await b1.listEnquiries()).find((t) => t.id === threadId);
    await b1.claim(inbox as NonNullable<typeof inbox>);
    const response = await fetch(`${server.url}/v1/threads/${threadId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seeker.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientMessageId: randomUUID(),
        epoch: 0,
        nonce: 'A'.repeat(32),
        ciphertext: 'AAAA',
        signature: 'A'.repeat(86),
      }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { code: string }).code).toBe('MESSAGE_EPOCH_STALE');
    // The SDK notices the new epoch and succeeds.
    await seeker.sendMessage(threadId, 'on the new epoch');
    expect((await b1.history(threadId, { afterSeq: 0, limit: 500 })).messages.at(-1)?.text).toBe('on the new epoch');
  });
});
