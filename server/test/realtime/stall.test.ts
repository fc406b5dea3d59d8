import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { startServerProcess, type ServerProcess } from '../cli/helpers.ts';
import { createTestDatabase, databaseTargets, type DatabaseTarget, type TestDatabase } from '../helpers/database.ts';
import { WS_CLOSE_LIMITED } from '../../../client-sdk/src/contract/close-codes.ts';
import { waitFor } from '../helpers/realtime.ts';
import { newAdmin, newCounsellor, newSeeker, startServer } from '../helpers/server.ts';
import { appendStoredMessages, authenticatedSocket } from './fixtures.ts';

/**
 * Issue 8, defect 1: a seeker asked for the whole history of its own ~1,000-message thread
 * 1,000 times without reading the answers; `/healthz` timed out for about a minute and RSS grew
 * by ~320 MB. The same attack runs here against a real server process while this process
 * probes `/healthz` and reads the server's RSS from /proc.
 */
const THREAD_MESSAGES = 1_000;
const MESSAGE_BYTES = 700;
const SYNC_FRAMES = 1_000;
/** How long the probe watches the instance under attack. */
const OBSERVE_MS = 12_000;
/** Generous: a healthy instance answers in milliseconds, the stalled one did not answer for a minute. */
const HEALTH_BOUND_MS = 5_000;
const RSS_GROWTH_BOUND_MB = 64;

interface Probe {
  latencies: number[];
  failures: string[];
  peakRssMb: number;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Probes `/healthz` back to back for `durationMs` and samples the server's RSS. */
async function probeHealth(url: string, pid: number, durationMs: number): Promise<Probe> {
  const probe: Probe = { latencies: [], failures: [], peakRssMb: rssMb(pid) };
  const sampler = setInterval(() => {
    probe.peakRssMb = Math.max(probe.peakRssMb, rssMb(pid));
  }, 100);
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    const started = performance.now();
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HEALTH_BOUND_MS) });
      await response.arrayBuffer();
      if (response.status !== 200) probe.failures.push(`status ${response.status}`);
    } catch (error) {
      probe.failures.push((error as Error).name);
    }
    probe.latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  clearInterval(sampler);
  return probe;
}

/** A database holding a seeker's thread of THREAD_MESSAGES messages, prepared by an in-process server that is then closed. */
async function preparedDatabase(target: DatabaseTarget) {
  const dataDir = mkdtempSync(join(tmpdir(), 'counsel-stall-'));
  let database: TestDatabase;
  if (target === 'postgres') {
    database = await createTestDatabase('postgres');
  } else {
    const pglite = await openDatabase({ databaseUrl: null, dataDir, lockOwner: 'server' });
    const outcome = await migrateToLatest(pglite.db);
    if (outcome.error) throw outcome.error;
    database = { database: pglite, url: null, drop: () => pglite.close() };
  }
  const setup = await startServer(target, { database });
  const admin = await newAdmin(setup);
  const topic = await admin.adminCreateTopic(`Stall ${Math.random().toString(36).slice(2, 6)}`);
  const agency = await admin.adminCreateAgency({ name: 'Stall agency', isTeam: false, topicIds: [topic.id], postcodeRanges: [] });
  await newCounsellor(setup, admin, [agency.id]);
  const seeker = await newSeeker(setup);
  const threadId = (await seeker.createEnquiry({ topicId: topic.id, agencyId: agency.id, text: 'first' })).id;
  await appendStoredMessages(setup, threadId, seeker.userId, THREAD_MESSAGES - 1, MESSAGE_BYTES);
  await setup.close();
  // PGlite: the server process must get the folder, so this process lets go of it.
  if (target === 'pglite') await database.drop();
  return { dataDir, database, token: seeker.token as string, threadId };
}

describe.each(databaseTargets())('one WebSocket cannot stall the instance on %s', (target) => {
  let prepared: Awaited<ReturnType<typeof preparedDatabase>>;
  let server: ServerProcess;
  let pid: number;

  beforeAll(async () => {
    prepared = await preparedDatabase(target);
    server = await startServerProcess(prepared.dataDir, { DATABASE_URL: prepared.database.url ?? '' });
    pid = server.child.pid as number;
    // The first request of a fresh process compiles its code paths; measure the instance warm.
    await (await fetch(`${server.url}/healthz`)).arrayBuffer();
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    if (target === 'postgres') await prepared?.database.drop();
    if (prepared) rmSync(prepared.dataDir, { recursive: true, force: true });
  });

  it('should keep /healthz answering and RSS bounded while a client floods sync and reads nothing', async () => {
    const rssBefore = rssMb(pid);
    const attacker = await authenticatedSocket({ url: server.url }, prepared.token);
    // From here on the client reads nothing: the server's answers pile up in its send buffer.
    attacker.socket.pause();
    const frame = JSON.stringify({ type: 'sync', threadId: prepared.threadId, afterSeq: 0 });
    for (let i = 0; i < SYNC_FRAMES; i++) attacker.socket.send(frame);

    const probe = await probeHealth(server.url, pid, OBSERVE_MS);
    const growth = Math.round(probe.peakRssMb - rssBefore);
    console.info(
      `[stall] ${target}: ${probe.latencies.length} probes, slowest ${Math.round(Math.max(...probe.latencies))} ms, ` +
        `${probe.failures.length} failed, RSS ${Math.round(rssBefore)} → ${Math.round(probe.peakRssMb)} MB`,
    );
    expect(probe.failures).toEqual([]);
    expect(growth).toBeLessThan(RSS_GROWTH_BOUND_MB);
    // The server has let go of the flooding client.
    attacker.socket.resume();
    await waitFor(() => attacker.closeCode() !== null, 'the server closes the flooding client');
  });

  it('should keep /healthz answering and RSS bounded while a client that reads nothing asks for syncs within the rate limit', async () => {
    const rssBefore = rssMb(pid);
    const attacker = await authenticatedSocket({ url: server.url }, prepared.token);
    attacker.socket.pause();
    const frame = JSON.stringify({ type: 'sync', threadId: prepared.threadId, afterSeq: 0 });
    // 15 a second stays under the default 20: only the catch-up queue and the send buffer's bound hold it.
    const pacer = setInterval(() => attacker.socket.send(frame), 1000 / 15);
    const probe = await probeHealth(server.url, pid, OBSERVE_MS);
    clearInterval(pacer);
    console.info(
      `[stall] ${target} paced: ${probe.latencies.length} probes, slowest ${Math.round(Math.max(...probe.latencies))} ms, ` +
        `${probe.failures.length} failed, RSS ${Math.round(rssBefore)} → ${Math.round(probe.peakRssMb)} MB`,
    );
    expect(probe.failures).toEqual([]);
    expect(probe.peakRssMb - rssBefore).toBeLessThan(RSS_GROWTH_BOUND_MB);
    attacker.socket.terminate();
  });

  it('should keep /healthz answering while a reading client sends 300 syncs', async () => {
    const client = await authenticatedSocket({ url: server.url }, prepared.token);
    const frame = JSON.stringify({ type: 'sync', threadId: prepared.threadId, afterSeq: 0 });
    for (let i = 0; i < 300; i++) client.socket.send(frame);
    const probe = await probeHealth(server.url, pid, OBSERVE_MS / 2);
    console.info(
      `[stall] ${target} reading client: slowest ${Math.round(Math.max(...probe.latencies))} ms, ${probe.failures.length} failed, ` +
        `${client.frames.filter((f) => f.type === 'message').length} message frames`,
    );
    expect(probe.failures).toEqual([]);
    // It was told to slow down, then closed; at most two catch-ups ran (the running one and one merged request).
    await waitFor(() => client.closeCode() !== null, 'the server closes the flooding client');
    expect(client.closeCode()).toBe(WS_CLOSE_LIMITED);
    expect(client.frames.filter((f) => f.type === 'error').map((f) => f.code)).toContain('WS_RATE_LIMITED');
    expect(client.frames.filter((f) => f.type === 'message').length).toBeLessThanOrEqual(2 * THREAD_MESSAGES);
  });
});
