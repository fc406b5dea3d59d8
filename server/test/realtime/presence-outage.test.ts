import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicDirectory } from '../../../client-sdk/src/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/own-processes.ts';
import { rawSocket, waitFor } from '../helpers/realtime.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

/** Issue 8, defect 6: while Redis was down, presence said `online=0` for a counsellor connected to the same instance. */
const enabled = Boolean(process.env.DATABASE_URL);
describe.skipIf(!enabled)('presence while Redis is down', () => {
  let redis: OwnRedis;
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let world: World;

  beforeAll(async () => {
    redis = await startOwnRedis({ from: 4401, to: 4404 });
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

  it('should count the counsellors connected to this instance, and those last seen on others, during and after a Redis outage', async () => {
    const [onA, onB, duringOutage] = world.team.counsellors;
    const presence = (server: TestServer) => new PublicDirectory(server.url).presence(world.team.id);
    const first = await rawSocket(a.url, onA.token as string);
    const second = await rawSocket(b.url, onB.token as string);
    expect(await presence(a)).toBe(2);
    // A page watching the agency on instance A.
    const watcher = await rawSocket(a.url, world.admin.token as string);
    watcher.socket.send(JSON.stringify({ type: 'presence.watch', agencyId: world.team.id }));
    await waitFor(() => watcher.frames.some((f) => f.type === 'presence'), 'first presence frame');

    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Before: 0. Now A's own counsellor counts, and B's as Redis last reported it (until that would expire).
    expect(await presence(a)).toBe(2);

    // One more counsellor connects to A while Redis is down: Redis never hears of it.
    const third = await rawSocket(a.url, duringOutage.token as string);
    await waitFor(() => watcher.frames.some((f) => f.type === 'presence' && f.online === 3), 'watchers on A see the new counsellor');
    expect(await presence(a)).toBe(3);

    await redis.restart();
    await waitFor(() => watcher.frames.some((f) => f.type === 'resync'), 'resync after Redis returns', 20_000);
    expect(await presence(a)).toBe(3);
    // A announces its counsellors to Redis again at once, so B counts the one who came during the outage.
    await waitForCount(() => presence(b), 3);

    third.socket.close();
    await waitFor(() => watcher.frames.at(-1)?.type === 'presence' && watcher.frames.at(-1)?.online === 2, 'a counsellor leaves');
    expect(await presence(a)).toBe(2);
    for (const client of [first, second, watcher]) client.socket.close();
  });
});

async function waitForCount(read: () => Promise<number>, expected: number): Promise<void> {
  let last = -1;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`presence stayed at ${last}, expected ${expected}`);
}
