import { randomUUID } from 'node:crypto';
import { requirePermission, requireThreadAccess } from '../access/thread-access.ts';
import { fromB64, toB64 } from '../common/bytes.ts';
import { publishAll, type Actor, type ServiceContext } from '../context.ts';
import type { Trx } from '../db/schema.ts';
import type { DomainEvent } from '../realtime/events.ts';
import { AppError, Errors } from '../errors.ts';
import { recordTeamAccess } from '../threads/access-log.ts';
import { notifyMessage } from '../notifications/rules.ts';
import * as repo from './repository.ts';
import type { HistoryInput, MessageViewType, NewMessageInput } from './schemas.ts';
import type { MessageRow } from './table.ts';

export function messageView(row: MessageRow): MessageViewType {
  return {
    id: row.id,
    threadId: row.threadId,
    seq: row.seq,
    senderId: row.senderId,
    epoch: row.epoch,
    clientMessageId: row.clientMessageId,
    nonce: toB64(row.nonce),
    ciphertext: toB64(row.ciphertext),
    signature: toB64(row.signature),
    createdAt: row.createdAt.toISOString(),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Inserts a message with a sequence number the caller allocated; undefined if the client id exists. */
export async function storeMessage(
  trx: Trx,
  threadId: string,
  senderId: string,
  input: NewMessageInput,
  seq: number,
): Promise<MessageRow | undefined> {
  return repo.insertMessage(trx, {
    id: randomUUID(),
    threadId,
    seq,
    senderId,
    epoch: input.epoch,
    clientMessageId: input.clientMessageId,
    ciphertext: fromB64(input.ciphertext),
    nonce: fromB64(input.nonce),
    signature: fromB64(input.signature),
  });
}

/** Thrown inside the transaction to roll back when the client message id already exists. */
class DuplicateClientId extends Error {}

/**
 * Stores an encrypted message and answers only after the commit. A retry with the same client
 * message id returns the stored message instead of storing a second one.
 *
 * The permission is checked twice. First on a plain read, before anything is locked: a refused
 * send (an outsider, a random id) never waits for or takes the thread's row lock, so it can
 * neither slow the thread's own writers down nor tell a real id from a random one by timing.
 * Then again on the facts that the locking UPDATE returns, so the permission still holds at
 * commit: a membership removal marks the thread (re-key, back to the inbox) under the same row
 * lock, so a removal that commits while this send waits for the lock is seen and refused.
 *
 * The hot path is three statements inside the transaction: allocate the sequence number (which
 * also locks the row and returns the facts for the checks), insert, and write notifications.
 */
export async function sendMessage(
  ctx: ServiceContext,
  actor: Actor,
  threadId: string,
  input: NewMessageInput,
): Promise<{ message: MessageViewType; created: boolean }> {
  const facts = await repo.findWriteFacts(ctx.db, threadId, actor.id);
  if (!facts) throw Errors.THREAD_NOT_FOUND();
  requirePermission(actor, facts, 'write');
  let outcome: { row: MessageRow; events: DomainEvent[] };
  try {
    outcome = await ctx.db.transaction().execute(async (trx) => {
      const thread = await repo.allocateSeq(trx, threadId, actor.id);
      if (!thread) throw Errors.THREAD_NOT_FOUND();
      const relation = requirePermission(actor, thread, 'write');
      if (thread.rekeyRequired) throw Errors.THREAD_REKEY_REQUIRED();
      if (input.epoch !== thread.currentEpoch) {
        throw Errors.MESSAGE_EPOCH_STALE(String(input.epoch), String(thread.currentEpoch));
      }
      const row = await storeMessage(trx, threadId, actor.id, input, thread.seq);
      if (!row) throw new DuplicateClientId();
      if (relation === 'team') {
        await recordTeamAccess(trx, { threadId, agencyId: thread.agencyId, counsellorId: actor.id, action: 'write' });
      }
      const events: DomainEvent[] = [
        {
          type: 'message.created',
          payload: { threadId, agencyId: thread.agencyId, seq: row.seq, messageId: row.id, senderId: actor.id },
        },
        ...(await notifyMessage(trx, thread, actor.id)),
      ];
      if (thread.status === 'closed' || thread.status === 'archived') {
        events.push({ type: 'thread.status', payload: { threadId, agencyId: thread.agencyId, status: 'active' } });
      }
      return { row, events };
    });
  } catch (error) {
    // A retry of a stored message succeeds even if the thread moved on (new epoch, re-key) since.
    const retryable =
      error instanceof DuplicateClientId ||
      (error instanceof AppError && (error.code === 'MESSAGE_EPOCH_STALE' || error.code === 'THREAD_REKEY_REQUIRED'));
    if (!retryable) throw error;
    const existing = await repo.findMessageByClientId(ctx.db, threadId, input.clientMessageId);
    if (!existing) throw error;
    if (existing.senderId !== actor.id || !sameBytes(existing.ciphertext, fromB64(input.ciphertext))) {
      throw Errors.MESSAGE_DUPLICATE_ID();
    }
    return { message: messageView(existing), created: false };
  }
  await publishAll(ctx, outcome.events);
  return { message: messageView(outcome.row), created: true };
}

/**
 * A page of ciphertexts in sequence order. A team-view read writes its access-log entry in the
 * same transaction as the check; every other read needs no transaction.
 */
export async function history(ctx: ServiceContext, actor: Actor, threadId: string, input: HistoryInput) {
  const page = { afterSeq: input.afterSeq ?? null, beforeSeq: input.beforeSeq ?? null, limit: input.limit ?? 100 };
  const access = await requireThreadAccess(ctx.db, actor, threadId, 'read');
  if (access.relation !== 'team') {
    const rows = await repo.listMessages(ctx.db, threadId, page);
    return { messages: rows.map(messageView), lastSeq: access.thread.lastSeq };
  }
  return ctx.db.transaction().execute(async (trx) => {
    const { thread } = await requireThreadAccess(trx, actor, threadId, 'read');
    await recordTeamAccess(trx, { threadId, agencyId: thread.agencyId, counsellorId: actor.id, action: 'read' });
    const rows = await repo.listMessages(trx, threadId, page);
    return { messages: rows.map(messageView), lastSeq: thread.lastSeq };
  });
}
