import pino from 'pino';
import type { Config } from '../config.ts';
import type { ServiceContext } from '../context.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { MemoryBus } from '../realtime/memory-bus.ts';
import { ActorCache } from '../accounts/actor-cache.ts';

/** How long a command waits for another admin command that holds the PGlite folder. */
const WAIT_FOR_OTHER_COMMAND_MS = 30_000;

/** Thrown when the migrations fail; the message is one line. */
export class MigrationError extends Error {}

/**
 * Opens the configured database (migrating it first, which costs one query when it is already
 * at the latest migration) for a command-line tool. A PGlite folder is locked first.
 * @throws DataDirLockedError when a server (or, for longer than 30 s, another command) holds the folder.
 */
export async function openForCli(config: Config): Promise<{ ctx: ServiceContext; database: Database }> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 2,
    timeouts: config.timeouts.database,
    lockOwner: 'cli',
    lockWaitMs: WAIT_FOR_OTHER_COMMAND_MS,
    onLockWait: (holder) => process.stderr.write(`admin: DATA_DIR is held by pid ${holder.pid} (${holder.owner}); waiting\n`),
  });
  try {
    const outcome = await migrateToLatest(database.db);
    for (const result of outcome.results) process.stderr.write(`migration ${result.migrationName}: ${result.status}\n`);
    if (outcome.error) {
      const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new MigrationError(`migration failed: ${reason.replace(/\s*\n\s*/g, ' ')}`);
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  // Logs go to stderr: stdout carries the command's JSON only.
  const log = pino({ level: 'warn' }, pino.destination(2));
  return { ctx: { db: database.db, actors: new ActorCache(0), bus: new MemoryBus(), config, log }, database };
}
