import autocannon from 'autocannon';
import type { Target } from './processes.ts';
import type { TargetStats } from './protocol.ts';
import { cpuSnapshot, machineBusy, type MessageBodies } from './stats.ts';

export interface HttpRun {
  /** Average requests per second over the run (autocannon's Req/Sec average). */
  rps: number;
  /** Latency percentiles in ms (autocannon resolution: 1 ms). */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  target: TargetStats;
  /** Busy fraction of the whole machine during the run. */
  machineBusy: number;
}

export interface HttpLoad {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** POST bodies; each request gets a fresh one (unique clientMessageId). */
  bodies?: MessageBodies;
  /** When given, requests go to these paths in turn instead of `path` (e.g. one per thread). */
  paths?: string[];
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

function cannon(url: string, load: HttpLoad, seconds: number): Promise<autocannon.Result> {
  const headers: Record<string, string> = { ...(load.headers ?? {}) };
  if (load.bodies) headers['content-type'] = 'application/json';
  const bodies = load.bodies;
  const paths = load.paths && load.paths.length > 0 ? load.paths : null;
  let turn = 0;
  const dynamic = bodies !== undefined || paths !== null;
  const request: autocannon.Request = {
    method: load.method,
    path: load.path,
    headers,
    ...(dynamic
      ? {
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            ...(paths ? { path: paths[turn++ % paths.length] } : {}),
            ...(bodies ? { body: bodies.next().body } : {}),
          }),
        }
      : {}),
  };
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: load.connections, duration: seconds, requests: [request] }, (error, result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    });
  });
}

/** A short warm-up (JIT, pools), then the measured closed-loop run. */
export async function runHttp(target: Target, load: HttpLoad): Promise<HttpRun> {
  if (load.warmupSeconds > 0) await cannon(target.url, load, load.warmupSeconds);
  target.reset();
  const cpuBefore = cpuSnapshot();
  const result = await cannon(target.url, load, load.seconds);
  const cpuAfter = cpuSnapshot();
  const stats = await target.stats();
  const statusCodes: Record<string, number> = {};
  for (const [code, entry] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = entry.count ?? 0;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    target: stats,
    machineBusy: machineBusy(cpuBefore, cpuAfter),
  };
}
