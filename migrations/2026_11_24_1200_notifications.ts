import { sql, type Kysely } from 'kysely';

/**
 * In-app notifications, which double as the e-mail outbox: a row with email_status 'pending'
 * is sent by whichever instance claims it first (FOR UPDATE SKIP LOCKED), so no mail goes twice.
 */
const up_statements = [
  `create table notifications (
     id uuid primary key,
     user_id uuid not null references users(id) on delete cascade,
     kind text not null check (kind in ('enquiry.new', 'message.new', 'thread.assigned')),
     thread_id uuid references threads(id) on delete cascade,
     agency_id uuid references agencies(id) on delete cascade,
     created_at timestamptz not null default now(),
     read_at timestamptz,
     email_status text not null default 'none' check (email_status in ('none', 'pending', 'sent', 'failed')),
     email_attempts integer not null default 0
   )`,
  `create index notifications_user on notifications (user_id, created_at desc)`,
  `create index notifications_email_pending on notifications (created_at) where email_status = 'pending'`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop table if exists notifications').execute(db);
}
