import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Migrator, type Kysely, type MigrationResult } from 'kysely';
import type { DB } from './schema.ts';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

/** Outcome of a migration run; never throws, so the caller decides how to fail. */
export interface MigrationOutcome {
  error: unknown;
  results: MigrationResult[];
}

/**
 * Brings the schema to the latest migration. Kysely's migrator takes a Postgres advisory
 * lock, so instances booting together cannot both migrate; a second run is a no-op.
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationOutcome> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  });
  const { error, results } = await migrator.migrateToLatest();
  return { error, results: results ?? [] };
}
