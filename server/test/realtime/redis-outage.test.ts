import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecryptedMessage } from '../../../client-sdk/src/index.ts';
import { CounselClient } from '../../../client-sdk/src/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/own-processes.ts';
import { NodeWebSocket, waitFor } from '../helpers/realtime.ts';
import { newSeeker, PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

const enabled = Boolean(process.env.DATABASE_URL);
describe.skipIf(!enabled)('Redis outage', () => {
  let redis: OwnRedis;
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let world: World;

  beforeAll(async () => {
    redis = await startOwnRedis({ from: 46_000, to: 46_999 });
    database = await createTestDatabase('postgres');
    const env = { REDIS_URL: redis.url };
    a = await startServer('postgres', { database, env });
    b = await startServer('postgres', { database, env });
    world = await buildWorld(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    await redis?.kill();
  });

  it('should keep sends durable while Redis is down and deliver everything after it returns', async () => {
    const [b1] = world.solo.counsellors;
    const seeker = await newSeeker(a);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'before' });
    await b1.claim(thread.id);
    const onB = await CounselClient.login({ baseUrl: b.url, username: b1.me.username as string, password: PASSWORD });
    const session = onB.connectRealtime({ WebSocket: NodeWebSocket, reconnectDelayMs: 50 });
    await session.ready();
    session.track(thread.id, 1);
    const received: DecryptedMessage[] = [];
    session.onMessage((message) => received.push(message));

    await seeker.sendMessage(thread.id, 'live 1');
    await waitFor(() => received.length === 1, 'live delivery before the outage');

    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Sending goes on: every message is acknowledged only after the Postgres commit.
    for (let i = 0; i < 5; i++) await seeker.sendMessage(thread.id, `during outage ${i}`);
    const stored = await seeker.history(thread.id);
    expect(stored.messages.map((m) => m.text).slice(-5)).toEqual([0, 1, 2, 3, 4].map((i) => `during outage ${i}`));

    await redis.restart();
    // Connected clients are told to resync when Redis is back and catch up what they missed.
    await waitFor(() => received.length === 6, 'catch-up after Redis returns', 20_000);
    await seeker.sendMessage(thread.id, 'live again');
    await waitFor(() => received.length === 7, 'live delivery after the outage', 20_000);
    expect(received.map((m) => m.text)).toEqual([
      'live 1',
      ...[0, 1, 2, 3, 4].map((i) => `during outage ${i}`),
      'live again',
    ]);
    session.close();
  });
});
