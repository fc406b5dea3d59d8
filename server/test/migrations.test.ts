import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Db } from '../src/db/schema.ts';
import { createTestDatabase, databaseTargets } from './helpers/database.ts';

async function schemaOf(db: Db): Promise<string[]> {
  const columns = await sql<{ line: string }>`
    select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable as line
    from information_schema.columns where table_schema = 'public' and table_name not like 'kysely_%'
    order by table_name, column_name`.execute(db);
  return columns.rows.map((row) => row.line);
}

describe('migrations', () => {
  it('should be idempotent and give the same schema on every target', async () => {
    const schemas: string[][] = [];
    for (const target of databaseTargets()) {
      const test = await createTestDatabase(target);
      try {
        const again = await migrateToLatest(test.database.db);
        expect(again.error).toBeUndefined();
        expect(again.results).toEqual([]);
        schemas.push(await schemaOf(test.database.db));
      } finally {
        await test.drop();
      }
    }
    expect(schemas[0]?.length).toBeGreaterThan(50);
    for (const schema of schemas) expect(schema).toEqual(schemas[0]);
  });
});
