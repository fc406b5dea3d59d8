import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../cli/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { rawSocket, waitFor } from '../helpers/realtime.ts';
import { brokenSequences, missing, seedThreads, startSenders, storedMessages } from './send-load.ts';

/**
 * SIGTERM to a real server process under load: clients are told to go elsewhere (1001), the
 * requests in flight finish, and everything acknowledged is stored.
 */
describe.skipIf(!process.env.DATABASE_URL)('graceful shutdown of a server process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'counsel-shutdown-'));
  let database: TestDatabase | null = null;
  let server: ServerProcess | null = null;
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should close WebSockets with 1001 and lose no acknowledged message while senders keep sending', async () => {
    database = await createTestDatabase('postgres');
    server = await startServerProcess(dataDir, { DATABASE_URL: database.url as string, SHUTDOWN_TIMEOUT_MS: '20000' });
    // No retries: a send either got its answer from this process or failed.
    const threads = await seedThreads(database.database.db, server.url, 8, { attempts: 1 });
    const socket = await rawSocket(server.url, threads[0]?.seeker.token as string);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );

    const senders = startSenders(threads, 2);
    await waitFor(() => senders.acked.length >= 40, '40 acknowledged sends', 60_000);
    const exitCode = await server.stop();
    const ackedAtExit = senders.acked.length;
    await senders.stop();

    expect(exitCode).toBe(0);
    expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(server.output()).toContain('shutdown | closing');
    expect(server.output()).toContain('shutdown | closed');
    // Nothing is acknowledged once the process has gone.
    expect(senders.acked.length).toBe(ackedAtExit);

    const stored = await storedMessages(database.database.db, threads.map((thread) => thread.threadId));
    expect(missing(senders.acked, stored)).toEqual([]);
    // And nothing was stored without its answer reaching the sender: the requests in flight
    // finished instead of being cut off after their commit (one first message per enquiry).
    expect(stored.length).toBe(senders.acked.length + threads.length);
    expect(brokenSequences(stored)).toEqual([]);
  }, 240_000);
});
