import { loadConfigOrExit } from '../config.ts';
import { dataFolder, readLiveHolder } from '../db/data-lock.ts';

/**
 * `npm run migrate`: brings the configured database to the latest schema, then exits. A server
 * holding the PGlite folder migrated it when it started, with its own code; this command then
 * refuses (without opening the folder) rather than guess.
 */
const config = loadConfigOrExit();
const holder = !config.databaseUrl && !config.dataDir.startsWith('memory://') ? readLiveHolder(config.dataDir) : null;
if (holder?.owner === 'server') {
  process.stderr.write(
    `migrate: the server (pid ${holder.pid}) is using DATA_DIR ${dataFolder(config.dataDir)}; ` +
      'the server migrates the database when it starts: restart it to apply new migrations, or stop it and rerun.\n',
  );
  process.exit(1);
}
try {
  const { openForCli } = await import('./open.ts');
  const { database } = await openForCli(config);
  await database.close();
  process.stderr.write('migrations up to date\n');
} catch (error) {
  process.stderr.write(`migrate: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
}
