/**
 * A server under test, run as a child process of bench/run.ts so that the load generator does not
 * share an event loop with it. `tsx bench/target.ts app` starts the real app (buildApp) over the
 * database in DATABASE_URL; `tsx bench/target.ts bare` starts the bare-Fastify baseline.
 * Reports `{type:'listening', url}` over IPC and answers `reset`/`stats`/`static`/`close`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDatabase, type Database } from '../server/src/db/database.ts';
import type { ChildMessage, ParentMessage, TargetKind, TargetStats } from './protocol.ts';

function send(message: ChildMessage): void {
  process.send?.(message);
}

// -- self-measurement (cheap enough to leave on: a counter and two clock reads per statement) --

const counters = { queries: 0, queryMs: 0, poolAcquires: 0, poolWaitMs: 0, poolWaitMaxMs: 0 };
let since = { wall: performance.now(), elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() };

type AnyFn = (...args: unknown[]) => unknown;
function isThenable(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function instrumentPg(): void {
  const clientProto = pg.Client.prototype as unknown as { query: AnyFn };
  const query = clientProto.query;
  clientProto.query = function instrumentedQuery(this: unknown, ...args: unknown[]) {
    counters.queries += 1;
    const start = performance.now();
    const result = query.apply(this, args);
    if (isThenable(result)) {
      return result.finally(() => {
        counters.queryMs += performance.now() - start;
      });
    }
    return result;
  };
  const poolProto = pg.Pool.prototype as unknown as { connect: AnyFn };
  const connect = poolProto.connect;
  poolProto.connect = function instrumentedConnect(this: unknown, ...args: unknown[]) {
    const start = performance.now();
    const result = connect.apply(this, args);
    if (args.length === 0 && isThenable(result)) {
      return result.then((client) => {
        const waited = performance.now() - start;
        counters.poolAcquires += 1;
        counters.poolWaitMs += waited;
        counters.poolWaitMaxMs = Math.max(counters.poolWaitMaxMs, waited);
        return client;
      });
    }
    return result;
  };
}

function reset(): void {
  counters.queries = 0;
  counters.queryMs = 0;
  counters.poolAcquires = 0;
  counters.poolWaitMs = 0;
  counters.poolWaitMaxMs = 0;
  since = { wall: performance.now(), elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() };
}

function stats(): TargetStats {
  const wallMs = performance.now() - since.wall;
  const elu = performance.eventLoopUtilization(since.elu);
  const cpu = process.cpuUsage(since.cpu);
  return {
    wallMs,
    eventLoopUtilization: elu.utilization,
    cpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
    ...counters,
  };
}

// -- the two kinds of server --

async function startApp(): Promise<{ url: string; close: () => Promise<void> }> {
  instrumentPg();
  const env = process.env;
  const config = loadConfig({
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    SERVER_SECRET: env.SERVER_SECRET,
    DB_POOL_SIZE: env.DB_POOL_SIZE,
    RATE_LIMIT_AUTH_MAX: '1000000',
    LOG_LEVEL: 'silent',
  });
  const database: Database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  });
  const app = await buildApp({ config, database, anonymousSweepMs: 0 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

let staticPage: unknown = { messages: [], lastSeq: 0 };

async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  let seq = 0;
  // Parses the same JSON body (Fastify's default parser) and answers 201 with a small JSON.
  app.post('/v1/threads/:id/messages', async (request, reply) => {
    const body = request.body as { clientMessageId?: unknown };
    seq += 1;
    return reply.code(201).send({ id: randomUUID(), seq, clientMessageId: body.clientMessageId ?? null });
  });
  // A static page of the same size as the real one (set by the driver over IPC).
  app.get('/v1/threads/:id/messages', async () => staticPage);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

/**
 * Context baseline for (a): the same POST, durably stored with one INSERT in its own
 * transaction through a pg pool, and nothing else (no auth, no checks, no sequence, no events).
 */
async function startBarePg(): Promise<{ url: string; close: () => Promise<void> }> {
  instrumentPg();
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
  await pool.query(`create table if not exists bench_baseline (
    id uuid primary key, thread_id uuid not null, client_message_id uuid not null,
    ciphertext bytea not null, created_at timestamptz not null default now())`);
  const app = Fastify({ logger: false });
  app.post('/v1/threads/:id/messages', async (request, reply) => {
    const body = request.body as { clientMessageId?: string; ciphertext?: string };
    const params = request.params as { id: string };
    const id = randomUUID();
    await pool.query('insert into bench_baseline (id, thread_id, client_message_id, ciphertext) values ($1, $2, $3, $4)', [
      id,
      params.id,
      body.clientMessageId ?? randomUUID(),
      Buffer.from(body.ciphertext ?? '', 'base64url'),
    ]);
    return reply.code(201).send({ id, clientMessageId: body.clientMessageId ?? null });
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2] as TargetKind | undefined;
  if (kind !== 'app' && kind !== 'bare' && kind !== 'bare-pg') throw new Error(`usage: target.ts app|bare|bare-pg (got ${String(kind)})`);
  const server = kind === 'app' ? await startApp() : kind === 'bare' ? await startBare() : await startBarePg();
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(0));
  };
  process.on('message', (raw: ParentMessage) => {
    switch (raw.type) {
      case 'reset':
        reset();
        return;
      case 'stats':
        send({ type: 'stats', stats: stats() });
        return;
      case 'static':
        staticPage = raw.body;
        send({ type: 'static-set' });
        return;
      case 'close':
        shutdown();
        return;
    }
  });
  // An orphaned child (driver killed) must not linger.
  process.on('disconnect', shutdown);
  reset();
  send({ type: 'listening', url: server.url });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
