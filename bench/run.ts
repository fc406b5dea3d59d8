/**
 * `npm run bench`: the server against bare baselines on this machine, in one run.
 *
 *   (a) durable POST of a 1 KiB encrypted message       vs a bare Fastify POST route
 *   (b) a history page of 50 messages                    vs a bare Fastify GET of a same-size static JSON
 *   (c) delivery POST on instance A → WebSocket on B     vs a bare Redis pub/sub round trip
 *
 * Needs Postgres (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and Redis
 * (REDIS_URL, default redis://127.0.0.1:6379). Creates a uniquely named database, migrates it and
 * drops it at the end. Servers run in child processes (bench/target.ts), the load generator here.
 *
 * Knobs (optional): BENCH_ONLY=a,b,c  BENCH_SECONDS=10  BENCH_CONNECTIONS=20  BENCH_RATE=200
 * BENCH_DELIVERY_SECONDS=5  BENCH_SPREAD_THREADS=20 (0 skips the diagnostic (a′) run)
 * BENCH_WARMUP_SECONDS=2  BENCH_CPU_PROFILE_DIR=dir (V8 CPU profiles of the app instances)
 * DB_POOL_SIZE (passed to the app instances).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runDelivery, runRedisRoundTrip, type DeliveryRun, type RedisRoundTrip } from './delivery.ts';
import { runHttp, type HttpRun } from './load.ts';
import { Target } from './processes.ts';
import type { TargetStats } from './protocol.ts';
import { fmt, MessageBodies } from './stats.ts';
import { addThreads, buildBenchWorld, createBenchDatabase, type BenchDatabase, type BenchWorld } from './world.ts';

const env = process.env;
const DATABASE_URL = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.REDIS_URL || 'redis://127.0.0.1:6379';
const ONLY = new Set((env.BENCH_ONLY || 'a,b,c').split(',').map((part) => part.trim()));
const SECONDS = Number(env.BENCH_SECONDS || 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS || 2);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS || 20);
// 200 msg/s is what one thread's durable send path sustains on 2 cores with both instances, Postgres,
// Redis and the load generator sharing them; BENCH_RATE=1000 shows the overload (see README).
const RATE = Number(env.BENCH_RATE || 200);
const DELIVERY_SECONDS = Number(env.BENCH_DELIVERY_SECONDS || 5);
/** Threads of the diagnostic (a′) run, which spreads the same POST load over several threads; 0 skips it. */
const SPREAD_THREADS = Number(env.BENCH_SPREAD_THREADS ?? 20);
const HISTORY_PATH_QUERY = 'afterSeq=0&limit=50';
const RESULTS_FILE = fileURLToPath(new URL('./results.md', import.meta.url));

const log = (line: string) => console.log(`[bench] ${line}`);

interface Row {
  benchmark: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
}

const check = (ok: boolean) => (ok ? '✅' : '❌');

function describeTarget(stats: TargetStats, requests: number): string {
  const parts = [
    `server CPU ${stats.cpuCores.toFixed(2)} cores`,
    `event loop ${fmt.pct(stats.eventLoopUtilization)} busy`,
  ];
  if (stats.queries > 0 && requests > 0) {
    parts.push(
      `${(stats.queries / requests).toFixed(1)} SQL statements/request`,
      `${(stats.poolAcquires / requests).toFixed(1)} pool checkouts/request`,
      `pool wait avg ${fmt.ms(stats.poolAcquires ? stats.poolWaitMs / stats.poolAcquires : 0)} (max ${fmt.ms(stats.poolWaitMaxMs)})`,
      `in-query time ${fmt.ms(stats.queryMs / requests)}/request`,
    );
  }
  return parts.join(', ');
}

function describeHttp(name: string, run: HttpRun): string {
  const codes = Object.entries(run.statusCodes)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  return (
    `- ${name}: ${run.requests.toLocaleString('en-US')} requests (${codes || 'none'}; errors ${run.errors}), ` +
    `p50 ${fmt.ms(run.p50)}, p99 ${fmt.ms(run.p99)}; machine ${fmt.pct(run.machineBusy)} busy; ${describeTarget(run.target, run.requests)}`
  );
}

function renderTable(rows: Row[]): string {
  const header = '| benchmark | ours | baseline | ratio | target |\n|---|---|---|---|---|';
  return [header, ...rows.map((r) => `| ${r.benchmark} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} |`)].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  // Other work on the machine skews every number here (2 cores are shared by load generator, servers, Postgres and Redis).
  const loadAtStart = os.loadavg()[0] ?? 0;
  if (loadAtStart > 0.5) log(`note: 1-minute load average is ${loadAtStart.toFixed(2)} before starting; results will be noisy`);
  const cleanup: Array<() => Promise<void>> = [];
  let cleaned = false;
  const runCleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const step of cleanup.reverse()) await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  process.once('SIGINT', () => {
    log('interrupted, cleaning up');
    void runCleanup().finally(() => process.exit(130));
  });

  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    log(`creating database on ${new URL(DATABASE_URL).host}`);
    const bench: BenchDatabase = await createBenchDatabase(DATABASE_URL);
    cleanup.push(async () => {
      await bench.drop();
      log(`dropped database ${bench.name}`);
    });
    log(`database ${bench.name} migrated`);

    const appEnv = {
      DATABASE_URL: bench.url,
      REDIS_URL,
      // Several instances share rate-limit buckets only with a common secret (README).
      SERVER_SECRET: randomBytes(24).toString('hex'),
    };
    const appA = await Target.start('instance A', 'app', appEnv);
    cleanup.push(() => appA.close());
    const bare = await Target.start('bare Fastify', 'bare');
    cleanup.push(() => bare.close());
    log(`instance A at ${appA.url}, bare Fastify at ${bare.url}`);

    const world: BenchWorld = await buildBenchWorld(appA.url, bench.database);
    log(`world ready: thread ${world.threadId} (epoch ${world.epoch}), claimed by the counsellor`);
    const messagesPath = `/v1/threads/${world.threadId}/messages`;
    const seekerAuth = { authorization: `Bearer ${world.seekerToken}` };
    const counsellorAuth = { authorization: `Bearer ${world.counsellorToken}` };
    const bodies = new MessageBodies(world.epoch);

    // -- (a) durable POST --
    if (ONLY.has('a')) {
      const load = { method: 'POST' as const, path: messagesPath, bodies, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS };
      log(`(a) POST 1 KiB message: ours, ${CONNECTIONS} connections, ${SECONDS} s (+${WARMUP_SECONDS} s warm-up)`);
      const ours = await runHttp(appA, { ...load, headers: seekerAuth });
      log(`(a) POST: bare Fastify`);
      const base = await runHttp(bare, { ...load, headers: seekerAuth });
      const ratio = ours.rps / base.rps;
      const created = ours.statusCodes['201'] ?? 0;
      rows.push(
        { benchmark: '(a) POST 1 KiB message — throughput', ours: fmt.rps(ours.rps), baseline: fmt.rps(base.rps), ratio: fmt.ratio(ratio), target: `≥ 0.4 ${check(ratio >= 0.4 && ours.non2xx === 0)}` },
        { benchmark: '(a) POST 1 KiB message — p99 latency', ours: fmt.ms(ours.p99), baseline: fmt.ms(base.p99), ratio: fmt.ratio(ours.p99 / base.p99), target: '—' },
      );
      notes.push(describeHttp('(a) ours', ours), describeHttp('(a) baseline', base));
      // Context, not the target: what one durable INSERT per request costs on this machine.
      log(`(a) POST: bare Fastify + one durable pg INSERT (context baseline)`);
      const barePg = await Target.start('bare Fastify + pg', 'bare-pg', { DATABASE_URL: bench.url });
      const durable = await runHttp(barePg, { ...load, headers: seekerAuth });
      await barePg.close();
      rows.push({
        benchmark: '(a″) POST vs bare Fastify + one durable INSERT (context)',
        ours: fmt.rps(ours.rps),
        baseline: fmt.rps(durable.rps),
        ratio: fmt.ratio(ours.rps / durable.rps),
        target: '—',
      });
      notes.push(describeHttp('(a″) bare Fastify + one durable INSERT', durable));
      if (created !== ours.requests || ours.non2xx > 0) notes.push(`- (a) WARNING: only ${created} of ${ours.requests} POSTs answered 201`);

      // Diagnostic: the same load spread over many threads, to separate the per-thread row lock from the rest.
      if (SPREAD_THREADS > 1) {
        const threadIds = [world.threadId, ...(await addThreads(world, SPREAD_THREADS - 1))];
        log(`(a′) POST spread over ${threadIds.length} threads (diagnostic)`);
        const spread = await runHttp(appA, { ...load, headers: seekerAuth, paths: threadIds.map((id) => `/v1/threads/${id}/messages`) });
        rows.push({
          benchmark: `(a′) same POST load over ${threadIds.length} threads (diagnostic)`,
          ours: fmt.rps(spread.rps),
          baseline: fmt.rps(base.rps),
          ratio: fmt.ratio(spread.rps / base.rps),
          target: `p99 ${fmt.ms(spread.p99)}`,
        });
        notes.push(describeHttp(`(a′) ours over ${threadIds.length} threads`, spread));
      }
    }

    // -- (b) history page --
    if (ONLY.has('b')) {
      const lastSeq = await ensureMessages(appA.url, messagesPath, world.seekerToken, bodies, 200);
      const response = await fetch(`${appA.url}${messagesPath}?${HISTORY_PATH_QUERY}`, { headers: counsellorAuth });
      if (response.status !== 200) throw new Error(`history page answered ${response.status}`);
      const pageText = await response.text();
      const page = JSON.parse(pageText) as { messages: unknown[] };
      if (page.messages.length !== 50) throw new Error(`history page has ${page.messages.length} messages, expected 50`);
      await bare.setStatic(page);
      const load = { method: 'GET' as const, path: `${messagesPath}?${HISTORY_PATH_QUERY}`, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS };
      log(`(b) GET history page (50 of ${lastSeq} messages, ${(pageText.length / 1024).toFixed(0)} KiB): ours`);
      const ours = await runHttp(appA, { ...load, headers: counsellorAuth });
      log(`(b) GET: bare Fastify (static JSON of the same page)`);
      const base = await runHttp(bare, { ...load, headers: counsellorAuth });
      rows.push(
        { benchmark: `(b) history page (50 msgs, ${(pageText.length / 1024).toFixed(0)} KiB) — throughput`, ours: fmt.rps(ours.rps), baseline: fmt.rps(base.rps), ratio: fmt.ratio(ours.rps / base.rps), target: '—' },
        { benchmark: '(b) history page — p99 latency', ours: fmt.ms(ours.p99), baseline: fmt.ms(base.p99), ratio: fmt.ratio(ours.p99 / base.p99), target: '—' },
      );
      notes.push(describeHttp('(b) ours', ours), describeHttp('(b) baseline', base));
    }

    // -- (c) end-to-end delivery across two instances --
    if (ONLY.has('c')) {
      const appB = await Target.start('instance B', 'app', appEnv);
      cleanup.push(() => appB.close());
      log(`(c) instance B at ${appB.url}; ${RATE} msg/s for ${DELIVERY_SECONDS} s, POST → A, WebSocket ← B`);
      const delivery: DeliveryRun = await runDelivery({
        sendUrl: appA.url,
        receiveUrl: appB.url,
        threadId: world.threadId,
        senderToken: world.seekerToken,
        receiverToken: world.counsellorToken,
        bodies,
        rate: RATE,
        seconds: DELIVERY_SECONDS,
        warmupSeconds: 1,
        sockets: 32,
        graceMs: 5_000,
        onMeasureStart: () => {
          appA.reset();
          appB.reset();
        },
      });
      const [statsA, statsB] = await Promise.all([appA.stats(), appB.stats()]);
      await appB.close();
      log(`(c) baseline: Redis pub/sub round trip at ${RATE} msg/s`);
      const redis: RedisRoundTrip = await runRedisRoundTrip({ url: REDIS_URL, rate: RATE, seconds: DELIVERY_SECONDS, warmupSeconds: 1, payloadBytes: 1024, graceMs: 5_000 });
      rows.push(
        { benchmark: `(c) delivery A→B at ${RATE}/s — p50`, ours: fmt.ms(delivery.latency.p50), baseline: fmt.ms(redis.latency.p50), ratio: fmt.ratio(delivery.latency.p50 / redis.latency.p50), target: '—' },
        { benchmark: `(c) delivery A→B at ${RATE}/s — p99`, ours: fmt.ms(delivery.latency.p99), baseline: fmt.ms(redis.latency.p99), ratio: fmt.ratio(delivery.latency.p99 / redis.latency.p99), target: `≤ 15 ms ${check(delivery.latency.p99 <= 15 && delivery.lost === 0)}` },
        { benchmark: `(c) delivery A→B at ${RATE}/s — max`, ours: fmt.ms(delivery.latency.max), baseline: fmt.ms(redis.latency.max), ratio: fmt.ratio(delivery.latency.max / redis.latency.max), target: '—' },
        { benchmark: '(c) delivery — lost', ours: `${delivery.lost} of ${delivery.accepted}`, baseline: `${redis.lost} of ${redis.sent}`, ratio: '—', target: `0 ${check(delivery.lost === 0 && delivery.failed === 0)}` },
      );
      notes.push(
        `- (c) ours: ${delivery.sent} POSTs due, ${delivery.accepted} answered 201, ${delivery.failed} failed, ${delivery.received} delivered; ` +
          `POST ack p50 ${fmt.ms(delivery.ack.p50)}, p99 ${fmt.ms(delivery.ack.p99)}, max ${fmt.ms(delivery.ack.max)}; ` +
          `A sustained ${Math.round(delivery.achievedRate)} POSTs/s of the ${RATE}/s offered`,
        `- (c) instance A (POSTs): ${describeTarget(statsA, delivery.accepted)}`,
        `- (c) instance B (WebSocket, per delivered message): ${describeTarget(statsB, delivery.received)}`,
        `- (c) baseline: ${redis.received} of ${redis.sent} Redis messages received (1 KiB payload)`,
      );
    }
  } finally {
    await runCleanup();
  }

  const seconds = (performance.now() - started) / 1000;
  const cpu = os.cpus();
  const header = [
    `# Benchmark results`,
    '',
    `- date: ${new Date().toISOString()}`,
    `- node: ${process.version}`,
    `- CPU: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length} cores`,
    `- settings: ${CONNECTIONS} connections, ${SECONDS} s per HTTP run (+${WARMUP_SECONDS} s warm-up), ` +
      `${RATE} msg/s for ${DELIVERY_SECONDS} s in (c), DB_POOL_SIZE ${env.DB_POOL_SIZE || '20 (default)'}`,
    `- total run time: ${seconds.toFixed(0)} s; 1-minute load average at start: ${loadAtStart.toFixed(2)}`,
    '',
    'ratio = ours / baseline (throughput: higher is better; latency: lower is better).',
    '',
    '',
  ].join('\n');
  const table = renderTable(rows);
  const details = notes.length > 0 ? `\n\n## Details\n\n${notes.join('\n')}\n` : '\n';
  console.log(`\n${table}\n`);
  for (const note of notes) console.log(note);
  console.log(`\n[bench] done in ${seconds.toFixed(0)} s; written to ${RESULTS_FILE}`);
  writeFileSync(RESULTS_FILE, `${header}${table}${details}`);
}

/** Makes sure the thread holds at least `minimum` messages (when (a) did not run); returns lastSeq. */
async function ensureMessages(baseUrl: string, path: string, token: string, bodies: MessageBodies, minimum: number): Promise<number> {
  const read = async () => {
    const response = await fetch(`${baseUrl}${path}?afterSeq=0&limit=1`, { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { lastSeq: number }).lastSeq;
  };
  let lastSeq = await read();
  while (lastSeq < minimum) {
    const { body } = bodies.next();
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    if (response.status !== 201) throw new Error(`seeding a message answered ${response.status}`);
    lastSeq += 1;
  }
  return read();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
