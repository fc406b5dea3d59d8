import { SfuServer, loadSfuConfig, videoAvailability, SfuConfigError } from '../../sfu/src/index.ts';
import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { loggerOptions } from './logger.ts';

/** The SFU when its worker is available; null (video unavailable) otherwise. A bad SFU setting stops the start. */
async function startSfu(): Promise<SfuServer | null> {
  let sfuConfig;
  try {
    sfuConfig = loadSfuConfig();
  } catch (error) {
    if (error instanceof SfuConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (!videoAvailability().available) return null;
  try {
    return await SfuServer.create(sfuConfig);
  } catch (error) {
    process.stderr.write(`SFU did not start (video unavailable): ${String(error)}\n`);
    return null;
  }
}

/** The process entry point: configuration, migrations, listen, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  });
  const sfu = await startSfu();
  const app = await buildApp({ config, database, logger: loggerOptions(config), sfu });
  if (!sfu) app.log.warn({ reason: videoAvailability().reason }, 'start | video unavailable, the rest of the server runs');
  const migration = await migrateToLatest(database.db);
  for (const result of migration.results) {
    app.log.info({ migration: result.migrationName, status: result.status }, 'migrate | result');
  }
  if (migration.error) {
    app.log.fatal({ err: migration.error }, 'migrate | failed, refusing to start');
    await database.close();
    process.exit(1);
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutdown | closing');
    await app.close();
    sfu?.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
  app.log.info({ database: database.kind, bus: config.redisUrl ? 'redis' : 'memory' }, 'start | ready');
}

await main();
