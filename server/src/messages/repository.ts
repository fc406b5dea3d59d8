import { sql } from 'kysely';
import type { Db, Trx } from '../db/schema.ts';
import type { MessageRow } from './table.ts';

/**
 * Takes the next per-thread sequence number and reopens a closed or archived thread, in one
 * statement on the already locked thread row, so numbers have no gaps and no duplicates.
 */
export async function allocateSeq(trx: Trx, threadId: string): Promise<number> {
  const row = await trx
    .updateTable('threads')
    .set({
      lastSeq: sql<number>`last_seq + 1`,
      updatedAt: new Date(),
      status: sql<'active'>`case when status in ('closed', 'archived') then 'active' else status end`,
    })
    .where('id', '=', threadId)
    .returning('lastSeq')
    .executeTakeFirstOrThrow();
  return row.lastSeq;
}

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
): Promise<MessageRow> {
  return trx.insertInto('messages').values(row).returningAll().executeTakeFirstOrThrow();
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
