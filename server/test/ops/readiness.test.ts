import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoAvailability } from '../../../sfu/src/index.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startPostgresProcess, type PostgresProcess } from '../helpers/postgres-process.ts';
import { freePort, startOwnRedis, type OwnRedis } from '../helpers/own-processes.ts';

interface Probe {
  status: number;
  body: { status?: string; code?: string; message?: string; checks?: Record<string, string> };
  ms: number;
}

async function probe(server: TestServer, path: '/readyz' | '/livez'): Promise<Probe> {
  const started = Date.now();
  const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: (await response.json()) as Probe['body'], ms: Date.now() - started };
}

/** Polls /readyz until it answers `status` (each answer is bounded by the ping time-out). */
async function readyzBecomes(server: TestServer, status: number, timeoutMs = 15_000): Promise<Probe> {
  let last: Probe | null = null;
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    last = await probe(server, '/readyz');
    if (last.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`readyz did not become ${status}: ${JSON.stringify(last)}`);
}

/** Blocks the event loop in slices of `sliceMs`, yielding in between, until stopped. */
function stallEventLoop(sliceMs: number): () => void {
  let stopped = false;
  const slice = () => {
    if (stopped) return;
    const until = Date.now() + sliceMs;
    while (Date.now() < until) {
      /* busy: the whole process, server included, is late */
    }
    setTimeout(slice, 1);
  };
  slice();
  return () => {
    stopped = true;
  };
}

describe('probes on PGlite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite', { env: { READY_MAX_EVENT_LOOP_DELAY_MS: '100' } });
  });
  afterAll(async () => server?.close());

  it('should answer /livez and a green /readyz naming what it checked', async () => {
    expect(await probe(server, '/livez')).toMatchObject({ status: 200, body: { status: 'ok' } });
    // The loop lags while the process starts (loading, migrating): the first second may be red.
    const ready = await readyzBecomes(server, 200);
    expect(ready).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', redis: 'off', eventLoop: 'ok', video: 'off' } },
    });
    // The existing health route keeps working.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('should go red while the event loop lags and green after', async () => {
    const stop = stallEventLoop(200);
    let red: Probe;
    try {
      // under-pressure samples the loop once a second; the request is served between slices.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      red = await readyzBecomes(server, 503, 10_000);
    } finally {
      stop();
    }
    expect(red.body).toMatchObject({ code: 'NOT_READY', statusCode: 503 });
    expect(red.body.message).toContain('eventLoop down');
    expect((await probe(server, '/livez')).status).toBe(200);
    await readyzBecomes(server, 200);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('readiness while the database is frozen', () => {
  let postgres: PostgresProcess;
  let database: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    postgres = await startPostgresProcess(await freePort());
    const opened = await openDatabase({ databaseUrl: postgres.url, dataDir: '', poolSize: 5 });
    const migrated = await migrateToLatest(opened.db);
    if (migrated.error) throw migrated.error;
    database = { database: opened, url: postgres.url, drop: () => opened.close() };
    server = await startServer('postgres', { database, env: { READY_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    postgres?.thaw();
    await server?.close();
    await database?.drop();
    await postgres?.stop();
  });

  it('should turn red within the ping time-out while Postgres is stopped with SIGSTOP, and green after SIGCONT', async () => {
    await readyzBecomes(server, 200);
    postgres.freeze();
    try {
      const answers: Probe[] = [];
      for (let i = 0; i < 5; i++) answers.push(await probe(server, '/readyz'));
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.body).toMatchObject({ code: 'NOT_READY', statusCode: 503 });
        expect(answer.body.message).toContain('database down');
        // READY_TIMEOUT_MS is 500: generous bound for a loaded machine.
        expect(answer.ms).toBeLessThan(5_000);
      }
      // The process itself is alive: a restart would not help.
      const live = await probe(server, '/livez');
      expect(live.status).toBe(200);
      // Repeated probes share one ping: the frozen database holds at most one pool connection for them.
      expect(database.database.pool?.waitingCount).toBe(0);
    } finally {
      postgres.thaw();
    }
    const green = await readyzBecomes(server, 200);
    expect(green.body.checks?.database).toBe('ok');
  });
});

describe.skipIf(!process.env.DATABASE_URL)('readiness while Redis is down', () => {
  let redis: OwnRedis;
  let server: TestServer;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startServer('postgres', { env: { REDIS_URL: redis.url, READY_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await server?.close();
    redis?.kill();
  });

  it('should report Redis, turn red when it dies and green when it is back', async () => {
    await readyzBecomes(server, 200);
    expect((await probe(server, '/readyz')).body.checks?.redis).toBe('ok');
    await redis.kill();
    const red = await readyzBecomes(server, 503);
    expect(red.body.message).toContain('redis down');
    await redis.restart();
    const green = await readyzBecomes(server, 200);
    expect(green.body.checks?.redis).toBe('ok');
  });
});

const requireVideo = process.env.REQUIRE_VIDEO === '1';
describe.skipIf(!videoAvailability().available && !requireVideo)('readiness with the SFU', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(process.env.DATABASE_URL ? 'postgres' : 'pglite', { video: true });
  });
  afterAll(async () => server?.close());

  it('should report the SFU and turn red when it has no workers', async () => {
    expect((await readyzBecomes(server, 200)).body.checks?.video).toBe('ok');
    server.sfu?.close();
    const red = await readyzBecomes(server, 503);
    expect(red.body.message).toContain('video down');
  });
});
