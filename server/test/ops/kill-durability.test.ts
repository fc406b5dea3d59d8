import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../cli/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/realtime.ts';
import { brokenSequences, missing, seedThreads, startSenders, storedMessages } from './send-load.ts';

const ROUNDS = 2;
const THREADS = 8;
const SENDERS_PER_THREAD = 2;

/**
 * The server process is killed with SIGKILL in the middle of concurrent sends and restarted on
 * the same Postgres and port. A send is acknowledged only after its commit, and the SDK repeats
 * an unanswered send with the same id, so every acknowledged message is stored exactly once.
 */
describe.skipIf(!process.env.DATABASE_URL)('kill -9 durability', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'counsel-kill9-'));
  let database: TestDatabase | null = null;
  let server: ServerProcess | null = null;
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`should keep every acknowledged message over ${ROUNDS} SIGKILLs under ${THREADS * SENDERS_PER_THREAD} concurrent senders`, async () => {
    database = await createTestDatabase('postgres');
    const env = { DATABASE_URL: database.url as string };
    server = await startServerProcess(dataDir, env);
    const port = new URL(server.url).port;
    // Patient retries: the senders outlast the restart and land on the new process.
    const threads = await seedThreads(database.database.db, server.url, THREADS, { attempts: 40, baseDelayMs: 100, maxDelayMs: 1000 });
    const senders = startSenders(threads, SENDERS_PER_THREAD);

    for (let round = 1; round <= ROUNDS; round++) {
      const target = senders.acked.length + 60;
      await waitFor(() => senders.acked.length >= target, `60 more acknowledged sends in round ${round}`, 90_000);
      server.child.kill('SIGKILL');
      await server.stop();
      server = await startServerProcess(dataDir, { ...env, PORT: port });
    }
    const afterLastRestart = senders.acked.length + 40;
    await waitFor(() => senders.acked.length >= afterLastRestart, 'sends after the last restart', 90_000);
    await senders.stop();

    const stored = await storedMessages(database.database.db, threads.map((thread) => thread.threadId));
    expect(senders.acked.length).toBeGreaterThanOrEqual(ROUNDS * 60 + 40);
    expect(missing(senders.acked, stored)).toEqual([]);
    expect(new Set(stored.map((row) => row.clientMessageId)).size).toBe(stored.length);
    expect(brokenSequences(stored)).toEqual([]);
    // What the database holds is what was acknowledged (with the enquiries' first messages),
    // apart from sends that had failed for good while the server was away.
    expect(stored.length - threads.length).toBeGreaterThanOrEqual(senders.acked.length);
    expect(stored.length - threads.length).toBeLessThanOrEqual(senders.acked.length + senders.failed);
  }, 300_000);
});
