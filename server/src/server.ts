import type { LoggerOptions } from 'pino';
import type { SfuLogger, SfuServer } from '../../sfu/src/index.ts';
import type { AdminChannel } from './cli/admin-channel.ts';
import { loadConfigOrExit, type Config } from './config.ts';
import { DataDirLockedError, adminSocketPath, dataFolder } from './db/data-lock.ts';
import type { Database } from './db/database.ts';

// The application graph is imported only once the data folder is ours, so a second server on
// the same PGlite folder is refused in a moment instead of after loading everything.

/**
 * How long the start waits for the PGlite folder while an admin command holds it (they take
 * seconds) or a process on another host (container) whose lock goes stale without heartbeat.
 */
const LOCK_WAIT_MS = 60_000;

/** The SFU when its worker is available; null (video unavailable) otherwise. A bad SFU setting stops the start. */
async function startSfu(logger: SfuLogger): Promise<SfuServer | null> {
  const { SfuServer, loadSfuConfig, videoAvailability, SfuConfigError } = await import('../../sfu/src/index.ts');
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
    return await SfuServer.create(sfuConfig, logger);
  } catch (error) {
    process.stderr.write(`SFU did not start (video unavailable): ${String(error)}\n`);
    return null;
  }
}

/** The database; with PGlite the data folder is locked first, and a folder in use stops the start. */
async function open(config: Config): Promise<Database> {
  try {
    const { openDatabase } = await import('./db/database.ts');
    return await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.dbPoolSize,
      timeouts: config.timeouts.database,
      lockOwner: 'server',
      lockWaitMs: LOCK_WAIT_MS,
      onLockWait: (holder) =>
        process.stderr.write(`DATA_DIR is held by ${holder.owner === 'cli' ? 'an admin command' : 'a server'} (pid ${holder.pid} on ${holder.host}); waiting up to ${LOCK_WAIT_MS / 1000} s\n`),
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(
        `Cannot start: ${error.message}. One process at a time may open a PGlite data folder; ` +
          'stop the other process, or give this one another DATA_DIR (or use DATABASE_URL for several instances).\n',
      );
      process.exit(1);
    }
    throw error;
  }
}

/** The process entry point: configuration, database lock, migrations, admin channel, listen, graceful shutdown (`ops/shutdown.ts`). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const database = await open(config);
  const [{ buildApp }, { migrateToLatest }, { loggerOptions }, { startAdminChannel }, { videoAvailability }, { closeOnSignals }] = await Promise.all([
    import('./app.ts'),
    import('./db/migrate.ts'),
    import('./logger.ts'),
    import('./cli/admin-channel.ts'),
    import('../../sfu/src/index.ts'),
    import('./ops/shutdown.ts'),
  ]);
  // The app is built around the SFU, so the SFU starts first, with its own pino on the same
  // options: its warnings (SFU_ANNOUNCED_IP missing, a worker died) reach the server's log.
  const { pino } = await import('pino');
  const sfu = await startSfu(pino(loggerOptions(config) as LoggerOptions).child({ module: 'sfu' }));
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
  // With PGlite this process owns the data folder: `npm run admin` reaches it through here.
  let adminChannel: AdminChannel | null = null;
  if (database.kind === 'pglite' && !config.dataDir.startsWith('memory://')) {
    try {
      adminChannel = await startAdminChannel({ socketPath: adminSocketPath(config.dataDir), ctx: app.ctx, dataFolder: dataFolder(config.dataDir) });
      app.log.info({ socket: adminChannel.socketPath }, 'start | admin channel listening');
    } catch (error) {
      app.log.warn({ err: error }, 'start | admin channel unavailable: npm run admin refuses while the server runs');
    }
  }
  closeOnSignals({ app, adminChannel, sfu, database }, config.ops.shutdownTimeoutMs);
  await app.listen({ host: config.host, port: config.port });
  app.log.info({ database: database.kind, bus: config.redisUrl ? 'redis' : 'memory' }, 'start | ready');
}

await main();
