import pino from 'pino';
import { loadConfigOrExit } from '../config.ts';
import type { ServiceContext } from '../context.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { MemoryBus } from '../realtime/memory-bus.ts';
import { ActorCache } from '../accounts/actor-cache.ts';

/** Opens the configured database (migrating it first) for a command-line tool. */
export async function openForCli(): Promise<{ ctx: ServiceContext; database: Database }> {
  const config = loadConfigOrExit();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  const outcome = await migrateToLatest(database.db);
  for (const result of outcome.results) process.stderr.write(`migration ${result.migrationName}: ${result.status}\n`);
  if (outcome.error) {
    process.stderr.write(`migration failed: ${String(outcome.error)}\n`);
    await database.close();
    process.exit(1);
  }
  const log = pino({ level: 'warn' });
  return { ctx: { db: database.db, actors: new ActorCache(0), bus: new MemoryBus(), config, log }, database };
}
