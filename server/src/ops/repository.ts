import { sql } from 'kysely';
import type { Db } from '../db/schema.ts';

/** The cheapest statement that proves the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Notification e-mails waiting to be sent (the outbox backlog); served by a partial index. */
export async function countPendingEmails(db: Db): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string | number>().as('pending'))
    .where('emailStatus', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.pending);
}
