import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseHealthy, openDatabase, type Database } from '../../src/db/database.ts';
import { isDatabaseUnavailable } from '../../src/db/errors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

/**
 * Issue 8, defect 2: the server-side time-outs that a session carries. A statement that runs too
 * long, a lock held by someone else, and a transaction left open all end in an error that the
 * API answers with 503 DATABASE_UNAVAILABLE, instead of holding a connection for ever.
 */
const TIMEOUTS = { statementMs: 500, lockMs: 300, idleInTransactionMs: 500, connectMs: 2_000, queryMs: 1_500 };

async function failure(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = Date.now();
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  return { error, ms: Date.now() - start };
}

describe.skipIf(!process.env.DATABASE_URL)('Postgres session time-outs', () => {
  let target: TestDatabase;
  let database: Database;
  let holder: pg.Client;

  beforeAll(async () => {
    target = await createTestDatabase('postgres');
    database = await openDatabase({ databaseUrl: target.url, dataDir: '', poolSize: 3, timeouts: TIMEOUTS });
    holder = new pg.Client({ connectionString: target.url as string });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await database?.close();
    await target?.drop();
  });

  it('should cancel a statement that runs past statement_timeout', async () => {
    const { error, ms } = await failure(sql`select pg_sleep(5)`.execute(database.db));
    expect((error as { code?: string }).code).toBe('57014');
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(ms).toBeLessThan(4_000);
  });

  it('should give up waiting for a lock after lock_timeout', async () => {
    await holder.query('create table if not exists lock_probe (id int primary key)');
    await holder.query('insert into lock_probe values (1) on conflict do nothing');
    await holder.query('begin');
    await holder.query('select * from lock_probe where id = 1 for update');
    try {
      const { error, ms } = await failure(sql`update lock_probe set id = 1 where id = 1`.execute(database.db));
      expect((error as { code?: string }).code).toBe('55P03');
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(ms).toBeLessThan(4_000);
    } finally {
      await holder.query('rollback');
    }
  });

  it('should end a transaction left idle past idle_in_transaction_session_timeout, and the pool recovers', async () => {
    const { error } = await failure(
      database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await sql`select 1`.execute(trx);
      }),
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(await databaseHealthy(database)).toBe(true);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});
