import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock, type LockHolder, type LockOwner } from './data-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { createPool, pingPool, timeBoundPool, withDeadline } from './postgres-pool.ts';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './timeouts.ts';
import type { DB } from './schema.ts';

export { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './timeouts.ts';

/** A connection pool's counters, for metrics (`pg.Pool` has them). */
export interface PoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/** An open database and how to close it. */
export interface Database {
  db: Kysely<DB>;
  kind: 'postgres' | 'pglite';
  /** The Postgres pool (none with PGlite). */
  pool?: PoolStats;
  /** `select 1` within `timeoutMs` (waiting for a pooled connection included); rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** How long a health check waits for the database by default: short, so that probes answer fast. */
export const HEALTH_PING_TIMEOUT_MS = 2_000;

/** Whether the database answers a trivial query within `timeoutMs`; never throws (for health and readiness checks). */
export async function databaseHealthy(database: Database, timeoutMs = HEALTH_PING_TIMEOUT_MS): Promise<boolean> {
  try {
    await database.ping(timeoutMs);
    return true;
  } catch {
    return false;
  }
}

// bigint columns (sequence numbers) fit in a JS number for any realistic thread length.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  poolSize?: number;
  /** Postgres only (PGlite runs in this process, with no network to wait for). */
  timeouts?: DatabaseTimeouts;
  /**
   * Who opens a PGlite data folder (recorded in its lock, default `server`). The folder is
   * locked first, so a second process never opens it concurrently.
   */
  lockOwner?: LockOwner;
  /** How long to wait for an admin command (or another host) that holds the folder (default 0: fail at once). */
  lockWaitMs?: number;
  /** Told once when the folder is held and waiting starts. */
  onLockWait?: (holder: LockHolder) => void;
}

/**
 * Opens Postgres when a URL is given, the embedded PGlite otherwise. A PGlite data folder is
 * locked before it is opened and unlocked when closed.
 * @throws DataDirLockedError when another live process holds the data folder.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const plugins = [new CamelCasePlugin()];
  if (options.databaseUrl) {
    const pool = createPool(options.databaseUrl, options.poolSize ?? 20, options.timeouts ?? DEFAULT_DATABASE_TIMEOUTS);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: timeBoundPool(pool) }), plugins });
    return { db, kind: 'postgres', pool, ping: (timeoutMs) => pingPool(pool, timeoutMs), close: () => db.destroy() };
  }
  const lock = options.dataDir.startsWith('memory://')
    ? null
    : await acquireDataDirLock(options.dataDir, {
        owner: options.lockOwner ?? 'server',
        waitMs: options.lockWaitMs ?? 0,
        ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
      });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(options.dataDir, {
      parsers: { 20: (value: string) => Number(value) },
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite), plugins });
  return {
    db,
    kind: 'pglite',
    ping: async (timeoutMs) => {
      await withDeadline(sql`select 1`.execute(db), timeoutMs, 'select 1');
    },
    close: async () => {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}
