import { sql } from 'kysely';
import type { RelationFacts } from '../access/thread-access.ts';
import type { Db, Trx } from '../db/schema.ts';
import type { ThreadStatus } from '../threads/table.ts';
import type { MessageRow } from './table.ts';

/** What the send path learns from taking the next sequence number. */
export interface SeqAllocation {
  id: string;
  seekerId: string;
  agencyId: string;
  counsellorId: string | null;
  /** The status before this message (a closed thread reopens). */
  status: ThreadStatus;
  currentEpoch: number;
  rekeyRequired: boolean;
  isTeam: boolean;
  memberId: string | null;
  seq: number;
}

/** The facts the write rule needs, read without any lock (a plain snapshot read). */
export async function findWriteFacts(db: Db, threadId: string, actorId: string): Promise<RelationFacts | undefined> {
  return db
    .selectFrom('threads as t')
    .innerJoin('agencies as a', 'a.id', 't.agencyId')
    .leftJoin('agencyMembers as m', (join) => join.onRef('m.agencyId', '=', 't.agencyId').on('m.userId', '=', actorId))
    .select(['t.seekerId', 't.counsellorId', 't.status', 'a.isTeam', 'm.userId as memberId'])
    .where('t.id', '=', threadId)
    .executeTakeFirst();
}

/**
 * Takes the next per-thread sequence number and reopens a closed or archived thread, in one
 * statement that also returns everything the permission and epoch checks need. The UPDATE takes
 * the thread's row lock, so numbers have no gaps or duplicates; a refused send rolls it back.
 * Call it only after `findWriteFacts` allowed the send, so that outsiders never take the lock.
 */
export async function allocateSeq(trx: Trx, threadId: string, actorId: string): Promise<SeqAllocation | undefined> {
  const result = await sql<SeqAllocation>`
    update threads t
       set last_seq = t.last_seq + 1,
           updated_at = now(),
           status = case when t.status in ('closed', 'archived') then 'active' else t.status end
      from threads old
      join agencies a on a.id = old.agency_id
      left join agency_members m on m.agency_id = old.agency_id and m.user_id = ${actorId}
     where t.id = ${threadId} and old.id = t.id
 returning t.id, t.seeker_id as "seekerId", t.agency_id as "agencyId", t.counsellor_id as "counsellorId",
           old.status as "status", t.current_epoch as "currentEpoch", t.rekey_required as "rekeyRequired",
           a.is_team as "isTeam", m.user_id as "memberId", t.last_seq as "seq"`.execute(trx);
  return result.rows[0];
}

/** Inserts unless the client message id is already stored in the thread (then undefined). */
export async function insertMessage(
  trx: Trx,
  row: {
    id: string;
    threadId: string;
    seq: number;
    senderId: string;
    epoch: number;
    clientMessageId: string;
    ciphertext: Uint8Array;
    nonce: Uint8Array;
    signature: Uint8Array;
  },
): Promise<MessageRow | undefined> {
  return trx
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['threadId', 'clientMessageId']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findMessageByClientId(db: Db | Trx, threadId: string, clientMessageId: string) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('threadId', '=', threadId)
    .where('clientMessageId', '=', clientMessageId)
    .executeTakeFirst();
}

/** One page in sequence order: after a position (catch-up) or before one (scrolling back). */
export async function listMessages(
  db: Db | Trx,
  threadId: string,
  page: { afterSeq: number | null; beforeSeq: number | null; limit: number },
): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll().where('threadId', '=', threadId);
  if (page.afterSeq !== null) query = query.where('seq', '>', page.afterSeq);
  if (page.beforeSeq !== null) query = query.where('seq', '<', page.beforeSeq);
  if (page.beforeSeq !== null && page.afterSeq === null) {
    const rows = await query.orderBy('seq', 'desc').limit(page.limit).execute();
    return rows.reverse();
  }
  return query.orderBy('seq', 'asc').limit(page.limit).execute();
}
