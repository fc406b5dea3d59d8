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

/**
 * Claims a batch of pending e-mails for this instance. SKIP LOCKED lets several instances
 * drain the outbox together without two of them taking the same row.
 */
export async function claimPendingEmails(trx: Trx, limit: number) {
  return trx
    .selectFrom('notifications as n')
    .innerJoin('users as u', 'u.id', 'n.userId')
    .leftJoin('agencies as a', 'a.id', 'n.agencyId')
    .leftJoin('threads as t', 't.id', 'n.threadId')
    .leftJoin('topics as tp', 'tp.id', 't.topicId')
    .select(['n.id', 'n.kind', 'n.threadId', 'n.emailAttempts', 'u.email', 'a.name as agencyName', 'tp.name as topicName'])
    .where('n.emailStatus', '=', 'pending')
    .orderBy('n.createdAt')
    .limit(limit)
    .forUpdate('n')
    .skipLocked()
    .execute();
}

export async function setEmailStatus(trx: Trx, id: string, status: EmailStatus, attempts: number): Promise<void> {
  await trx.updateTable('notifications').set({ emailStatus: status, emailAttempts: attempts }).where('id', '=', id).execute();
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
