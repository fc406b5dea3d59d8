import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { TestServer } from './server.ts';

/** Every form a secret sentence could take in a dump or log: text, a fragment, hex and base64. */
export function encodings(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  // Also a fragment, in case a value is cut or wrapped.
  const fragment = Buffer.from(text.slice(4, 30), 'utf8');
  return [
    text,
    fragment.toString('utf8'),
    bytes.toString('hex'),
    fragment.toString('hex'),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    fragment.toString('base64').slice(0, 24),
  ];
}

/** The whole database as text: pg_dump on Postgres, every row of every table on PGlite. */
export async function dumpDatabase(server: TestServer): Promise<string> {
  if (server.db.url) {
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', '--inserts', server.db.url], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  }
  const db = server.db.database.db;
  const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(db);
  let dump = '';
  for (const { tablename } of tables.rows) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(tablename)} t`.execute(db);
    dump += rows.rows.map((r) => r.row).join('\n');
  }
  return dump;
}
