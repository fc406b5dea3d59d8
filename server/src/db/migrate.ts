import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from '../../../migrations/index.ts';
import type { DB } from './schema.ts';

/** Outcome of a migration run; never throws, so the caller decides how to fail. */
export interface MigrationOutcome {
  error: unknown;
  results: MigrationResult[];
}

/**
 * Whether the database has run exactly the known migrations: one read, no lock, no DDL. Any
 * doubt (no migration table yet, unknown or missing names) answers false and the migrator decides.
 */
async function atLatest(db: Kysely<DB>): Promise<boolean> {
  try {
    const table = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
    if (!table.rows[0]?.present) return false;
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const done = new Set(rows.map((row) => row.name));
    const known = Object.keys(migrations);
    return done.size === known.length && known.every((name) => done.has(name));
  } catch {
    return false;
  }
}

/**
 * Brings the schema to the latest migration. Kysely's migrator takes a Postgres advisory
 * lock, so instances booting together cannot both migrate; a second run is a no-op. A database
 * already at the latest migration is recognised with one query (the admin CLI opens it often).
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationOutcome> {
  if (await atLatest(db)) return { error: undefined, results: [] };
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  return { error, results: results ?? [] };
}
