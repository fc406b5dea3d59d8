import type { Db, Trx } from '../db/schema.ts';
import type { EpochReason, ThreadStatus } from './table.ts';

export interface EnvelopeRow {
  recipientId: string;
  sealedKey: Uint8Array;
  signature: Uint8Array;
}

/** Inserts a new thread; false when the id is taken (by anyone: the caller decides what to say). */
export async function insertThread(
  trx: Trx,
  row: { id: string; seekerId: string; agencyId: string; topicId: string; counsellorId: string | null; status: ThreadStatus },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('threads')
    // The first message is stored with it, so the thread starts at sequence number 1.
    .values({ ...row, lastSeq: 1, claimedAt: row.counsellorId ? new Date() : null })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Whether this seeker created the thread; the same query whether the id is someone else's or free. */
export async function isSeekersThread(db: Db, threadId: string, seekerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('threads')
    .select('id')
    .where('id', '=', threadId)
    .where('seekerId', '=', seekerId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertEpoch(
  trx: Trx,
  threadId: string,
  epoch: number,
  reason: EpochReason,
  createdBy: string,
  envelopes: EnvelopeRow[],
): Promise<void> {
  await trx.insertInto('threadEpochs').values({ threadId, epoch, reason, createdBy }).execute();
  await trx
    .insertInto('threadKeyEnvelopes')
    .values(envelopes.map((envelope) => ({ threadId, epoch, creatorId: createdBy, ...envelope })))
    .execute();
}

/** Adds envelopes for past epochs (re-sharing); an existing envelope is never replaced. */
export async function insertMissingEnvelopes(
  trx: Trx,
  threadId: string,
  creatorId: string,
  envelopes: Array<EnvelopeRow & { epoch: number }>,
): Promise<number> {
  if (envelopes.length === 0) return 0;
  const result = await trx
    .insertInto('threadKeyEnvelopes')
    .values(envelopes.map((envelope) => ({ threadId, creatorId, ...envelope })))
    .onConflict((oc) => oc.columns(['threadId', 'epoch', 'recipientId']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

export async function listEnvelopesOf(db: Db | Trx, threadId: string, recipientId: string) {
  return db
    .selectFrom('threadKeyEnvelopes')
    .select(['epoch', 'creatorId', 'sealedKey', 'signature'])
    .where('threadId', '=', threadId)
    .where('recipientId', '=', recipientId)
    .orderBy('epoch')
    .execute();
}

/**
 * The claim itself: one conditional UPDATE. Of many concurrent claimers, the first takes the
 * row lock and flips the status; the others re-check the WHERE after it commits and match nothing.
 */
export async function claimThread(trx: Trx, threadId: string, counsellorId: string): Promise<boolean> {
  const row = await trx
    .updateTable('threads')
    .set({ status: 'active', counsellorId, claimedAt: new Date(), updatedAt: new Date() })
    .where('id', '=', threadId)
    .where('status', '=', 'enquiry')
    .where('counsellorId', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Moves the thread to `epoch` only if it is the next one; false when someone else rotated first. */
export async function advanceEpoch(trx: Trx, threadId: string, epoch: number): Promise<boolean> {
  const row = await trx
    .updateTable('threads')
    .set({ currentEpoch: epoch, rekeyRequired: false, updatedAt: new Date() })
    .where('id', '=', threadId)
    .where('currentEpoch', '=', epoch - 1)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setStatus(trx: Trx | Db, threadId: string, status: ThreadStatus): Promise<void> {
  await trx.updateTable('threads').set({ status, updatedAt: new Date() }).where('id', '=', threadId).execute();
}

/**
 * After a membership change the affected threads need a new epoch before anyone writes.
 * A removed assigned counsellor's cases go back to the agency's first-enquiries inbox.
 */
export async function markThreadsForRekey(
  trx: Trx,
  change: { agencyId: string; isTeam: boolean; userId: string; change: 'added' | 'removed' },
): Promise<void> {
  if (change.change === 'removed') {
    await trx
      .updateTable('threads')
      .set({ status: 'enquiry', counsellorId: null, rekeyRequired: true, updatedAt: new Date() })
      .where('agencyId', '=', change.agencyId)
      .where('counsellorId', '=', change.userId)
      .execute();
  }
  let query = trx.updateTable('threads').set({ rekeyRequired: true }).where('agencyId', '=', change.agencyId);
  if (!change.isTeam) query = query.where('status', '=', 'enquiry');
  await query.execute();
}

export type ThreadListView = 'enquiries' | 'mine' | 'team';

const SUMMARY_COLUMNS = [
  'threads.id',
  'threads.seekerId',
  'threads.agencyId',
  'threads.topicId',
  'threads.counsellorId',
  'threads.status',
  'threads.currentEpoch',
  'threads.rekeyRequired',
  'threads.lastSeq',
  'threads.createdAt',
  'threads.updatedAt',
  'agencies.isTeam',
  'agencies.name as agencyName',
  'topics.name as topicName',
  'seekers.signPublicKey as seekerSignPublicKey',
  'seekers.boxPublicKey as seekerBoxPublicKey',
] as const;

export async function listThreadsOfSeeker(db: Db, seekerId: string, limit: number) {
  return db
    .selectFrom('threads')
    .innerJoin('agencies', 'agencies.id', 'threads.agencyId')
    .innerJoin('topics', 'topics.id', 'threads.topicId')
    .innerJoin('users as seekers', 'seekers.id', 'threads.seekerId')
    .select(SUMMARY_COLUMNS)
    .where('threads.seekerId', '=', seekerId)
    .orderBy('threads.updatedAt', 'desc')
    .limit(limit)
    .execute();
}

/** A counsellor's inbox, own cases, or colleagues' cases in team agencies. */
export async function listThreadsOfCounsellor(
  db: Db,
  counsellorId: string,
  view: ThreadListView,
  filter: { agencyId: string | null; status: ThreadStatus | null; limit: number },
) {
  let query = db
    .selectFrom('threads')
    .innerJoin('agencies', 'agencies.id', 'threads.agencyId')
    .innerJoin('topics', 'topics.id', 'threads.topicId')
    .innerJoin('users as seekers', 'seekers.id', 'threads.seekerId')
    .select(SUMMARY_COLUMNS)
    .where('threads.agencyId', 'in', (eb) =>
      eb.selectFrom('agencyMembers').select('agencyMembers.agencyId').where('agencyMembers.userId', '=', counsellorId),
    );
  if (view === 'enquiries') {
    query = query.where('threads.status', '=', 'enquiry');
  } else if (view === 'mine') {
    query = query.where('threads.counsellorId', '=', counsellorId).where('threads.status', '!=', 'enquiry');
  } else {
    query = query
      .where('agencies.isTeam', '=', true)
      .where('threads.status', '!=', 'enquiry')
      .where('threads.counsellorId', '!=', counsellorId);
  }
  if (filter.agencyId) query = query.where('threads.agencyId', '=', filter.agencyId);
  if (filter.status) query = query.where('threads.status', '=', filter.status);
  const order = view === 'enquiries' ? 'asc' : 'desc';
  return query.orderBy('threads.createdAt', order).limit(filter.limit).execute();
}

/** Everyone whose key a reader may need: current readers, senders and envelope creators. */
export async function listParticipantIds(db: Db, threadId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('threadKeyEnvelopes')
    .select('recipientId as id')
    .where('threadId', '=', threadId)
    .union(db.selectFrom('threadKeyEnvelopes').select('creatorId as id').where('threadId', '=', threadId))
    .union((eb) =>
      eb
        .selectFrom('messages')
        .select('senderId as id')
        .where('threadId', '=', threadId)
        .where('senderId', 'is not', null)
        .$narrowType<{ id: string }>(),
    )
    .execute();
  return rows.map((row) => row.id);
}
