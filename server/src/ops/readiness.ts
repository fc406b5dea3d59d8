import type { Redis } from 'ioredis';
import type { SfuServer } from '../../../sfu/src/index.ts';
import type { Db } from '../db/schema.ts';
import { BoundedCall } from './bounded-call.ts';
import { pingDatabase } from './repository.ts';

/** `off`: not configured on this instance, so it cannot make it unready. */
export type CheckState = 'ok' | 'down' | 'off';

export interface ReadinessChecks {
  database: CheckState;
  redis: CheckState;
  eventLoop: CheckState;
  video: CheckState;
}

export interface ReadinessSources {
  db: Db;
  /** The Redis connection when REDIS_URL is set. */
  redis: Redis | null;
  /** The SFU when video is available on this instance. */
  sfu: SfuServer | null;
  /** Whether the event loop lags beyond its bound (from `@fastify/under-pressure`). */
  overloaded: () => boolean;
  /** How long a ping may take before the dependency counts as down. */
  timeoutMs: number;
}

/**
 * Whether this instance should get traffic: the database and Redis answer within the time-out,
 * the event loop keeps up, the SFU has workers, and no shutdown has begun. Pings are shared
 * while in flight, so a frozen dependency is never probed by more than one request at a time.
 */
export class Readiness {
  readonly #sources: ReadinessSources;
  readonly #database: BoundedCall<void>;
  readonly #redis: BoundedCall<unknown> | null;
  #draining = false;

  constructor(sources: ReadinessSources) {
    this.#sources = sources;
    this.#database = new BoundedCall(() => pingDatabase(sources.db), sources.timeoutMs);
    const redis = sources.redis;
    this.#redis = redis ? new BoundedCall(() => redis.ping(), sources.timeoutMs) : null;
  }

  /** From the start of a shutdown on, the instance is not ready, so balancers stop sending to it. */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  async check(): Promise<{ ready: boolean; checks: ReadinessChecks }> {
    const [database, redis] = await Promise.all([this.#database.run(), this.#redis?.run()]);
    const sfu = this.#sources.sfu;
    const checks: ReadinessChecks = {
      database: database.ok ? 'ok' : 'down',
      redis: redis === undefined ? 'off' : redis.ok ? 'ok' : 'down',
      eventLoop: this.#sources.overloaded() ? 'down' : 'ok',
      video: sfu === null ? 'off' : !sfu.closed && sfu.workerPids().length > 0 ? 'ok' : 'down',
    };
    const ready = !this.#draining && Object.values(checks).every((state) => state !== 'down');
    return { ready, checks };
  }
}

/** What a failed readiness check says: the parts that are down, or that the instance is shutting down. */
export function notReadyReason(draining: boolean, checks: ReadinessChecks): string {
  const down = Object.entries(checks)
    .filter(([, state]) => state === 'down')
    .map(([name]) => name);
  return [...(draining ? ['shutting down'] : []), ...down.map((name) => `${name} down`)].join(', ');
}
