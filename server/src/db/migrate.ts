import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from '../../../migrations/index.ts';
import type { DB } from './schema.ts';

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
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  return { error, results: results ?? [] };
}
