import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient } from '../../../client-sdk/src/index.ts';
import { databaseHealthy, openDatabase, type Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { postgresBinDir, startPostgresProcess, type PostgresProcess } from '../helpers/postgres-process.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';

/** Issue 8, defect 2: a Postgres frozen with SIGSTOP (not stopped) made every request hang. */
const DB_PORT = 4511;
const FROZEN_FOR_MS = 20_000;
/** Short time-outs keep the test quick; production defaults are in the README. */
const TIMEOUTS = { statementMs: 1_500, lockMs: 1_000, idleInTransactionMs: 5_000, connectMs: 1_000, queryMs: 2_000 };
/** Generous: connect (1 s) + one statement (2 s), with room for a loaded machine. */
const ANSWER_WITHIN_MS = 10_000;

interface Outcome {
  label: string;
  status: number;
  code: string | null;
  ms: number;
}

describe.skipIf(!postgresBinDir())('a frozen database', () => {
  let pg: PostgresProcess;
  let database: Database;
  let server: TestServer;
  let seeker: CounselClient;

  beforeAll(async () => {
    pg = await startPostgresProcess(DB_PORT);
    database = await openDatabase({ databaseUrl: pg.url, dataDir: '', poolSize: 4, timeouts: TIMEOUTS });
    const migrated = await migrateToLatest(database.db);
    if (migrated.error) throw migrated.error;
    server = await startServer('postgres', { database: { database, url: pg.url, drop: async () => {} } });
    seeker = await newSeeker(server);
  });
  afterAll(async () => {
    pg?.thaw();
    await server?.close();
    await database?.close();
    await pg?.stop();
  });

  async function timed(label: string, path: string, init: RequestInit = {}): Promise<Outcome> {
    const start = Date.now();
    try {
      const response = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
      const body = (await response.json()) as { code?: string };
      return { label, status: response.status, code: body.code ?? null, ms: Date.now() - start };
    } catch {
      return { label, status: 0, code: 'no answer within 15 s', ms: Date.now() - start };
    }
  }

  function requests(): Array<Promise<Outcome>> {
    const auth = { authorization: `Bearer ${seeker.token}` };
    const anonymous = JSON.stringify({ identity: { signPublicKey: 'A'.repeat(43), boxPublicKey: 'B'.repeat(43) } });
    return [
      timed('healthz', '/healthz'),
      timed('me', '/v1/me', { headers: auth }),
      timed('threads', '/v1/threads', { headers: auth }),
      timed('anonymous start (write)', '/v1/auth/anonymous', { method: 'POST', headers: { 'content-type': 'application/json' }, body: anonymous }),
      // More requests than the pool has connections: the rest wait for one, and must time out too.
      ...Array.from({ length: 12 }, (_, i) => timed(`topics ${i}`, '/v1/topics')),
    ];
  }

  it('should answer 503 DATABASE_UNAVAILABLE within a bounded time while frozen, and recover after', async () => {
    // Open connections in the pool first, so that the first wave meets statements that never return
    // (the client-side query time-out), and the second wave new connections that never open.
    await Promise.all(requests());
    pg.freeze();
    const frozenAt = Date.now();
    let firstWave: Outcome[];
    let secondWave: Outcome[];
    let healthy: boolean;
    try {
      firstWave = await Promise.all(requests());
      // Connections broken by the first wave are replaced by new ones that cannot connect either.
      secondWave = await Promise.all(requests());
      const pingStart = Date.now();
      healthy = await databaseHealthy(database, 1_000);
      expect(Date.now() - pingStart).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, FROZEN_FOR_MS - (Date.now() - frozenAt))));
    } finally {
      pg.thaw();
    }
    expect(healthy).toBe(false);
    for (const outcome of [...firstWave, ...secondWave]) {
      expect(outcome, outcome.label).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
      expect(outcome.ms, outcome.label).toBeLessThan(ANSWER_WITHIN_MS);
    }
    // The health check pings with its own short time-out (2 s), not the statement time-outs.
    for (const outcome of [...firstWave, ...secondWave].filter((o) => o.label === 'healthz')) expect(outcome.ms).toBeLessThan(5_000);

    let health = 0;
    for (let i = 0; i < 40 && health !== 200; i++) {
      health = (await timed('healthz', '/healthz')).status;
      if (health !== 200) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(health).toBe(200);
    expect(await databaseHealthy(database)).toBe(true);
    const after = await Promise.all(requests());
    for (const outcome of after) expect(outcome.status, outcome.label).toBeLessThan(300);
    expect(server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});
