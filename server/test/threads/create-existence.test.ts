import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient, ThreadDetail } from '../../../client-sdk/src/index.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

function b64(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

interface Answer {
  status: number;
  code: string | undefined;
}

describe.each(databaseTargets())('creating a thread with an id that exists on %s', (target) => {
  let server: TestServer;
  let world: World;
  let owner: CounselClient;
  let prober: CounselClient;
  let taken: ThreadDetail;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
    owner = await newSeeker(server);
    prober = await newSeeker(server);
    taken = await owner.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'mine' });
  });
  afterAll(async () => server?.close());

  /** A create request; the server checks who the envelopes address, not their cryptography. */
  async function createBody(client: CounselClient, id: string, envelopes: 'exact' | 'self only') {
    const intake = await client.http.request<{ readers: Array<{ userId: string }> }>('GET', '/v1/threads/intake', {
      query: { topicId: world.topic.id, agencyId: world.solo.id },
    });
    const recipients = envelopes === 'exact' ? intake.readers.map((reader) => reader.userId) : [client.userId];
    return {
      id,
      topicId: world.topic.id,
      agencyId: world.solo.id,
      envelopes: recipients.map((recipientId) => ({ recipientId, sealedKey: b64(80), signature: b64(64) })),
      firstMessage: { clientMessageId: randomUUID(), nonce: b64(24), ciphertext: b64(200), signature: b64(64) },
    };
  }

  async function create(client: CounselClient, body: object): Promise<Answer> {
    const response = await fetch(`${server.url}/v1/threads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, code: ((await response.json()) as { code?: string }).code };
  }

  it("should answer another seeker's thread id exactly like a fresh id when the envelopes are wrong", async () => {
    const onTaken = await create(prober, await createBody(prober, taken.id, 'self only'));
    const onFresh = await create(prober, await createBody(prober, randomUUID(), 'self only'));
    expect(onTaken).toEqual(onFresh);
    expect(onFresh).toEqual({ status: 409, code: 'THREAD_READERS_CHANGED' });
  });

  it('should refuse a complete create on a taken id with THREAD_ID_TAKEN and leave the thread alone', async () => {
    expect(await create(prober, await createBody(prober, taken.id, 'exact'))).toEqual({ status: 409, code: 'THREAD_ID_TAKEN' });
    const history = await owner.history(taken.id);
    expect(history.messages.map((message) => message.text)).toEqual(['mine']);
    expect((await owner.getThread(taken.id)).seekerId).toBe(owner.userId);
  });

  it("should still answer the owner's retried create with the stored thread", async () => {
    const retried = await create(owner, await createBody(owner, taken.id, 'exact'));
    expect(retried).toEqual({ status: 201, code: undefined });
  });
});
