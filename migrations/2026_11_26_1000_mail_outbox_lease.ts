import { sql, type Kysely } from 'kysely';

/**
 * The e-mail outbox no longer holds a transaction open while it talks to SMTP: a mailer claims a
 * row in one committed statement by counting the attempt and moving `email_not_before` to the
 * end of its lease, sends outside any transaction, then records the outcome. A failed attempt
 * moves `email_not_before` to the retry time; a lease that runs out (the instance died
 * mid-send) makes the row due again.
 */
const up_statements = [
  `alter table notifications add column email_not_before timestamptz`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('alter table notifications drop column if exists email_not_before').execute(db);
}
