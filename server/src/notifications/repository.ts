import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../db/schema.ts';
import type { EmailStatus, NotificationKind, NotificationRow } from './table.ts';

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  threadId: string;
  agencyId: string;
  emailStatus: EmailStatus;
}

export async function insertNotifications(trx: Trx, rows: NewNotification[]): Promise<Array<{ id: string; userId: string }>> {
  if (rows.length === 0) return [];
  const withIds = rows.map((row) => ({ id: randomUUID(), ...row }));
  await trx.insertInto('notifications').values(withIds).execute();
  return withIds.map((row) => ({ id: row.id, userId: row.userId }));
}

/** Staff and seekers who have an e-mail address, among these users. */
export async function usersWithEmail(trx: Trx, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await trx.selectFrom('users').select('id').where('id', 'in', userIds).where('email', 'is not', null).execute();
  return new Set(rows.map((row) => row.id));
}

export async function listNotifications(db: Db, userId: string, unreadOnly: boolean, limit: number): Promise<NotificationRow[]> {
  let query = db.selectFrom('notifications').selectAll().where('userId', '=', userId);
  if (unreadOnly) query = query.where('readAt', 'is', null);
  return query.orderBy('createdAt', 'desc').limit(limit).execute();
}

export async function findNotification(db: Db, id: string) {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markRead(db: Db, userId: string, id: string | null): Promise<number> {
  let query = db.updateTable('notifications').set({ readAt: new Date() }).where('userId', '=', userId).where('readAt', 'is', null);
  if (id) query = query.where('id', '=', id);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A pending e-mail that this instance has claimed, with what the mail may name. */
export interface ClaimedEmail {
  id: string;
  kind: NotificationKind;
  threadId: string | null;
  /** Counts this claim; it also identifies the claim when the outcome is recorded. */
  attempts: number;
  email: string | null;
  agencyName: string | null;
  topicName: string | null;
}

/**
 * Claims the oldest due e-mail in one statement that commits on its own, so no transaction
 * stays open while SMTP talks: the attempt is counted and `email_not_before` moves to the end
 * of the lease, which keeps every other instance off the row until then. SKIP LOCKED keeps two
 * instances that claim at the same moment apart. A lease that runs out (the instance died
 * mid-send) makes the row due again.
 */
export async function claimDueEmail(db: Db, leaseMs: number): Promise<ClaimedEmail | undefined> {
  const result = await sql<ClaimedEmail>`
    with due as (
      select id from notifications
       where email_status = 'pending' and (email_not_before is null or email_not_before <= now())
       order by created_at
       limit 1
       for update skip locked
    ), claimed as (
      update notifications n
         set email_attempts = n.email_attempts + 1,
             email_not_before = now() + ${leaseMs}::integer * interval '1 millisecond'
        from due
       where n.id = due.id
   returning n.id, n.kind, n.thread_id, n.user_id, n.agency_id, n.email_attempts
    )
    select c.id, c.kind, c.thread_id as "threadId", c.email_attempts as "attempts",
           u.email, a.name as "agencyName", tp.name as "topicName"
      from claimed c
      join users u on u.id = c.user_id
      left join agencies a on a.id = c.agency_id
      left join threads t on t.id = c.thread_id
      left join topics tp on tp.id = t.topic_id`.execute(db);
  return result.rows[0];
}

/** How an attempt ended: sent, given up, no address any more, or due again after `retryInMs`. */
export type EmailOutcome = { status: 'sent' | 'failed' | 'none' } | { status: 'pending'; retryInMs: number };

/**
 * Records how a claimed e-mail went: sent, given up, or pending again after `retryInMs`. Only
 * the claim that is still current writes (an instance whose lease ran out and whose row was
 * claimed again by another does not); false then.
 */
export async function recordEmailOutcome(db: Db, claim: { id: string; attempts: number }, outcome: EmailOutcome): Promise<boolean> {
  const notBefore =
    outcome.status === 'pending' ? sql<Date>`now() + ${outcome.retryInMs}::integer * interval '1 millisecond'` : null;
  const result = await db
    .updateTable('notifications')
    .set({ emailStatus: outcome.status, emailNotBefore: notBefore })
    .where('id', '=', claim.id)
    .where('emailAttempts', '=', claim.attempts)
    .where('emailStatus', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The notifications of one new message, in a single statement (it runs on the send hot path):
 * `directId` plus, when `withTeam`, every activated counsellor of the agency; never the sender.
 */
export async function insertMessageNotifications(
  trx: Trx,
  input: { threadId: string; agencyId: string; senderId: string; directId: string; withTeam: boolean },
): Promise<Array<{ id: string; userId: string }>> {
  const result = await sql<{ id: string; userId: string }>`
    insert into notifications (id, user_id, kind, thread_id, agency_id, email_status)
    select gen_random_uuid(), u.id, 'message.new', ${input.threadId}, ${input.agencyId},
           case when u.email is null then 'none' else 'pending' end
      from users u
     where u.id <> ${input.senderId}
       and (u.id = ${input.directId}
            or (${input.withTeam} and u.role = 'counsellor' and u.sign_public_key is not null
                and u.id in (select m.user_id from agency_members m where m.agency_id = ${input.agencyId})))
    returning id, user_id as "userId"`.execute(trx);
  return result.rows;
}
