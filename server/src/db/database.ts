import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock, type LockHolder, type LockOwner } from './data-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

/** An open database and how to close it. */
export interface Database {
  db: Kysely<DB>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// bigint columns (sequence numbers) fit in a JS number for any realistic thread length.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  poolSize?: number;
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
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins });
    return { db, kind: 'postgres', close: () => db.destroy() };
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
