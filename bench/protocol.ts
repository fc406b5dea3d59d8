/** IPC between the benchmark driver (bench/run.ts) and a server child process (bench/target.ts). */

/** `bare-pg` is a context baseline: bare Fastify plus one durable INSERT per POST. */
export type TargetKind = 'app' | 'bare' | 'bare-pg';

/** What a child measured about itself since the last `reset`. */
export interface TargetStats {
  /** Wall time covered, in ms. */
  wallMs: number;
  /** Event-loop utilisation of the server's JS thread (0…1). */
  eventLoopUtilization: number;
  /** Process CPU (user + system) as a fraction of one core. */
  cpuCores: number;
  /** Statements sent through pg (BEGIN/COMMIT included); 0 for the bare server. */
  queries: number;
  /** Pool checkouts and the total/maximum time spent waiting for a free connection. */
  poolAcquires: number;
  poolWaitMs: number;
  poolWaitMaxMs: number;
  /** Cumulative time spent inside pg queries (from send to result), in ms. */
  queryMs: number;
}

export type ParentMessage =
  | { type: 'reset' }
  | { type: 'stats' }
  | { type: 'static'; body: unknown }
  | { type: 'close' };

export type ChildMessage =
  | { type: 'listening'; url: string }
  | { type: 'stats'; stats: TargetStats }
  | { type: 'static-set' }
  | { type: 'failed'; message: string };
