import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient, DecryptedMessage, RealtimeEvent } from '../../../client-sdk/src/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { NodeWebSocket, rawSocket, waitFor } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

const enabled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

describe.skipIf(!enabled)('two instances sharing Postgres and Redis', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let world: World;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { REDIS_URL: process.env.REDIS_URL as string };
    a = await startServer('postgres', { database, env });
    b = await startServer('postgres', { database, env });
    world = await buildWorld(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('should deliver a message sent through A to a socket on B, decrypted by the SDK', async () => {
    const [b1] = world.solo.counsellors;
    const seeker = await newSeeker(server(a));
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'first' });
    await b1.claim(thread.id);
    const onB = await rawSocket(b.url, b1.token as string);
    await seeker.sendMessage(thread.id, 'through A');
    await waitFor(() => onB.frames.some((f) => f.type === 'message'), 'message on B');
    const frame = onB.frames.find((f) => f.type === 'message') as { message: { seq: number; threadId: string } };
    expect(frame.message.threadId).toBe(thread.id);
    const [decrypted] = await b1.decryptMessages(thread.id, [frame.message as never]);
    expect(decrypted?.text).toBe('through A');
    onB.socket.close();
  });

  it('should remove a claimed enquiry from an inbox shown on B at once', async () => {
    const [b1, b2] = world.solo.counsellors;
    const seeker = await newSeeker(server(a));
    const onB = await rawSocket(b.url, b2.token as string);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'claim me' });
    await waitFor(() => onB.frames.some((f) => f.type === 'enquiry.new' && f.threadId === thread.id), 'enquiry.new on B');
    await b1.claim(thread.id);
    await waitFor(() => onB.frames.some((f) => f.type === 'enquiry.claimed' && f.threadId === thread.id), 'claimed on B');
    const claimed = onB.frames.find((f) => f.type === 'enquiry.claimed') as RealtimeEvent & { counsellorId: string };
    expect(claimed.counsellorId).toBe(b1.userId);
    onB.socket.close();
  });

  it('should send nothing of a thread to sockets that cannot read it', async () => {
    const [b1] = world.solo.counsellors;
    const [a1] = world.team.counsellors;
    const seeker = await newSeeker(server(a));
    const stranger = await newSeeker(server(a));
    const outsiders = [await rawSocket(b.url, a1.token as string), await rawSocket(b.url, stranger.token as string), await rawSocket(a.url, a1.token as string)];
    const watcher = await rawSocket(b.url, b1.token as string);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'private' });
    await b1.claim(thread.id);
    await seeker.sendMessage(thread.id, 'still private');
    await waitFor(() => watcher.frames.filter((f) => f.type === 'message').length >= 1, 'message to the reader');
    // Give stray deliveries the same time to arrive, then assert that none did.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const outsider of outsiders) {
      expect(outsider.frames.filter((f) => JSON.stringify(f).includes(thread.id))).toEqual([]);
      // An explicit catch-up request for the thread is refused too.
      outsider.socket.send(JSON.stringify({ type: 'sync', threadId: thread.id, afterSeq: 0 }));
    }
    await waitFor(() => outsiders.every((o) => o.frames.some((f) => f.type === 'error')), 'sync refusals');
    for (const outsider of outsiders) {
      expect(outsider.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'THREAD_NOT_FOUND' });
      expect(outsider.frames.filter((f) => f.type === 'message')).toEqual([]);
      outsider.socket.close();
    }
    watcher.socket.close();
  });

  it('should revoke a token on every instance at logout, although sessions are cached', async () => {
    const seeker = await newSeeker(a);
    const token = seeker.token as string;
    const me = (instance: TestServer) => fetch(`${instance.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me(b)).status).toBe(200);
    await seeker.logout();
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await me(b)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
  });

  it('should answer a bad frame with an error frame and keep the connection', async () => {
    const [b1] = world.solo.counsellors;
    const socket = await rawSocket(b.url, b1.token as string);
    socket.socket.send('not json');
    socket.socket.send(JSON.stringify({ type: 'sync', threadId: 'nope' }));
    socket.socket.send(JSON.stringify({ type: 'ping' }));
    await waitFor(() => socket.frames.some((f) => f.type === 'pong'), 'pong after bad frames');
    expect(socket.frames.filter((f) => f.type === 'error').map((f) => f.code)).toEqual(['WS_FRAME_INVALID', 'WS_FRAME_INVALID']);
    socket.socket.close();
  });

  it('should end with exactly the 200 messages, in order, when the socket is cut during the burst', async () => {
    const [b1] = world.solo.counsellors;
    const seeker = await newSeeker(server(a));
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'burst start' });
    await b1.claim(thread.id);
    const bClient = await loginOn(b, b1);
    const session = bClient.connectRealtime({ WebSocket: NodeWebSocket, reconnectDelayMs: 50 });
    await session.ready();
    session.track(thread.id, 1);
    const received: DecryptedMessage[] = [];
    session.onMessage((message) => received.push(message));
    const sends = Array.from({ length: 200 }, (_, i) => i);
    let sent = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (const i of sends.filter((n) => n % 4 === lane)) {
          await seeker.sendMessage(thread.id, `burst ${i}`);
          sent += 1;
          if (sent === 60 || sent === 140) session.connection.interrupt();
        }
      }),
    );
    await waitFor(() => received.length >= 200, '200 messages', 30_000).catch((error: unknown) => {
      console.log('received', received.length, 'position', session.connection.position(thread.id));
      throw error;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(200);
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    expect(new Set(received.map((m) => m.text)).size).toBe(200);
    expect(received.every((m) => m.failure === null)).toBe(true);
    session.close();
  });

  function server(instance: TestServer): TestServer {
    return instance;
  }
});

/** The same account logged in again against another instance (same keys via the backup). */
async function loginOn(instance: TestServer, client: CounselClient): Promise<CounselClient> {
  const { CounselClient: Client } = await import('../../../client-sdk/src/index.ts');
  const { PASSWORD } = await import('../helpers/server.ts');
  return Client.login({ baseUrl: instance.url, username: client.me.username as string, password: PASSWORD });
}
