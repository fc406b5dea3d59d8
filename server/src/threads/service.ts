import { findUserById, findUsersKeys } from '../accounts/repository.ts';
import { findAbsence } from '../absences/repository.ts';
import { requireThreadAccess, loadThreadForActor, type ThreadAccessRow } from '../access/thread-access.ts';
import { agencyServesTopic, findAgency, findMembership } from '../agencies/repository.ts';
import type { AccessLogEntryView } from '../agencies/schemas.ts';
import { fromB64, toB64 } from '../common/bytes.ts';
import { publishAll, type Actor, type ServiceContext } from '../context.ts';
import type { Trx } from '../db/schema.ts';
import type { MessageRow } from '../messages/table.ts';
import type { DomainEvent } from '../realtime/events.ts';
import { Errors } from '../errors.ts';
import { storeMessage } from '../messages/service.ts';
import { notifyNewThread } from '../notifications/rules.ts';
import { listAccessLogOfThread, recordTeamAccess } from './access-log.ts';
import { expectedReaders, requireEnvelopesFor } from './readers.ts';
import * as repo from './repository.ts';
import type {
  CreateThreadInput,
  EnvelopeInputView,
  IntakeInput,
  ListThreadsInput,
  ReshareInput,
  ThreadDetailView,
  ThreadStatusChange,
  ThreadSummaryView,
} from './schemas.ts';
import type { ThreadStatus } from './table.ts';

interface Routing {
  agencyId: string;
  topicId: string;
  counsellorId: string | null;
  status: ThreadStatus;
  isTeam: boolean;
}

function summaryView(row: Omit<ThreadAccessRow, 'memberId' | 'isAgencyAdmin'>): ThreadSummaryView {
  return {
    id: row.id,
    seekerId: row.seekerId,
    agencyId: row.agencyId,
    agencyName: row.agencyName,
    topicId: row.topicId,
    topicName: row.topicName,
    counsellorId: row.counsellorId,
    status: row.status,
    isTeam: row.isTeam,
    seekerSignPublicKey: toB64(row.seekerSignPublicKey as Uint8Array),
    seekerBoxPublicKey: toB64(row.seekerBoxPublicKey as Uint8Array),
    currentEpoch: row.currentEpoch,
    rekeyRequired: row.rekeyRequired,
    lastSeq: row.lastSeq,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function envelopeRows(envelopes: EnvelopeInputView[]): repo.EnvelopeRow[] {
  return envelopes.map((envelope) => ({
    recipientId: envelope.recipientId,
    sealedKey: fromB64(envelope.sealedKey),
    signature: fromB64(envelope.signature),
  }));
}

async function userKeysView(ctx: ServiceContext, ids: Iterable<string>) {
  const rows = await findUsersKeys(ctx.db, [...ids]);
  return rows.map((row) => ({
    userId: row.id,
    role: row.role,
    // Names are for staff; a seeker stays nameless to everyone but themselves.
    displayName: row.role === 'seeker' ? null : row.displayName,
    signPublicKey: toB64(row.signPublicKey as Uint8Array),
    boxPublicKey: toB64(row.boxPublicKey as Uint8Array),
  }));
}

/**
 * Where a seeker's new thread goes: a personal link assigns the counsellor directly; a chosen
 * or linked agency receives it as a first enquiry.
 */
async function routeNewThread(ctx: ServiceContext, actor: Actor, input: IntakeInput): Promise<Routing> {
  const seeker = await findUserById(ctx.db, actor.id);
  if (!seeker) throw Errors.AUTH_REQUIRED();
  let agencyId = input.agencyId ?? seeker.linkAgencyId;
  let counsellorId: string | null = null;
  if (!input.agencyId && seeker.linkCounsellorId && seeker.linkAgencyId) {
    // The personal link holds only while the counsellor is still in that agency.
    if (await findMembership(ctx.db, seeker.linkAgencyId, seeker.linkCounsellorId)) counsellorId = seeker.linkCounsellorId;
  }
  if (!agencyId) throw Errors.VALIDATION_FAILED('agencyId is required without a registration link');
  const agency = await findAgency(ctx.db, agencyId);
  if (!agency) throw Errors.AGENCY_NOT_FOUND();
  if (!(await agencyServesTopic(ctx.db, agencyId, input.topicId))) throw Errors.AGENCY_NOT_SERVING_TOPIC();
  agencyId = agency.id;
  return {
    agencyId,
    topicId: input.topicId,
    counsellorId,
    status: counsellorId ? 'active' : 'enquiry',
    isTeam: agency.isTeam,
  };
}

/** Routing plus the public keys the seeker must seal the first epoch key to. */
export async function intake(ctx: ServiceContext, actor: Actor, input: IntakeInput) {
  const routing = await routeNewThread(ctx, actor, input);
  const readers = await expectedReaders(ctx.db, { seekerId: actor.id, ...routing });
  if (readers.size < 2) throw Errors.AGENCY_HAS_NO_COUNSELLORS();
  return { ...routing, readers: await userKeysView(ctx, readers) };
}

/** Thrown inside the creating transaction to roll back when the id is taken. */
class ThreadIdTaken extends Error {}

/**
 * Creates the thread, its epoch 0 and its first message in one transaction.
 *
 * Someone else's thread id is not revealed: it goes through exactly the checks a fresh id does
 * (routing, envelopes), so a request that a fresh id would refuse is refused the same way. Only
 * a request that would create a thread learns that the id is taken (`THREAD_ID_TAKEN`, the same
 * for every owner), which no unique id can avoid, and it costs a rate-limited, complete enquiry.
 */
export async function createThread(ctx: ServiceContext, actor: Actor, input: CreateThreadInput): Promise<ThreadDetailView> {
  const routing = await routeNewThread(ctx, actor, input);
  // A retried create returns what the first attempt stored.
  if (await repo.isSeekersThread(ctx.db, input.id, actor.id)) return getThread(ctx, actor, input.id);
  let created: { message: MessageRow; notifications: DomainEvent[] };
  try {
    created = await ctx.db.transaction().execute(async (trx) => {
      const readers = await expectedReaders(trx, { seekerId: actor.id, ...routing });
      if (readers.size < 2) throw Errors.AGENCY_HAS_NO_COUNSELLORS();
      requireEnvelopesFor(readers, input.envelopes.map((envelope) => envelope.recipientId));
      const inserted = await repo.insertThread(trx, {
        id: input.id,
        seekerId: actor.id,
        agencyId: routing.agencyId,
        topicId: routing.topicId,
        counsellorId: routing.counsellorId,
        status: routing.status,
      });
      if (!inserted) throw new ThreadIdTaken();
      await repo.insertEpoch(trx, input.id, 0, 'created', actor.id, envelopeRows(input.envelopes));
      const message = await storeMessage(trx, input.id, actor.id, { ...input.firstMessage, epoch: 0 }, 1);
      if (!message) throw Errors.MESSAGE_DUPLICATE_ID();
      const notifications = await notifyNewThread(trx, { id: input.id, seekerId: actor.id, ...routing });
      return { message, notifications };
    });
  } catch (error) {
    if (!(error instanceof ThreadIdTaken)) throw error;
    // A concurrent retry of the same create won the insert: answer like the retry it is.
    if (await repo.isSeekersThread(ctx.db, input.id, actor.id)) return getThread(ctx, actor, input.id);
    throw Errors.THREAD_ID_TAKEN();
  }
  const { message, notifications } = created;
  await publishAll(ctx, [
    {
      type: 'thread.created',
      payload: { threadId: input.id, agencyId: routing.agencyId, seekerId: actor.id, counsellorId: routing.counsellorId },
    },
    {
      type: 'message.created',
      payload: { threadId: input.id, agencyId: routing.agencyId, seq: message.seq, messageId: message.id, senderId: actor.id },
    },
    ...notifications,
  ]);
  return getThread(ctx, actor, input.id);
}

export async function listThreads(ctx: ServiceContext, actor: Actor, input: ListThreadsInput) {
  const limit = input.limit ?? 50;
  if (actor.role === 'seeker') {
    const rows = await repo.listThreadsOfSeeker(ctx.db, actor.id, limit);
    return { threads: rows.map(summaryView) };
  }
  if (actor.role !== 'counsellor') return { threads: [] };
  const rows = await repo.listThreadsOfCounsellor(ctx.db, actor.id, input.view ?? 'mine', {
    agencyId: input.agencyId ?? null,
    status: input.status ?? null,
    limit,
  });
  return { threads: rows.map(summaryView) };
}

/** Opens a thread; a team-view opening is written to the access log in the same transaction. */
export async function getThread(ctx: ServiceContext, actor: Actor, threadId: string): Promise<ThreadDetailView> {
  const { thread, relation } = await ctx.db.transaction().execute(async (trx) => {
    const access = await requireThreadAccess(trx, actor, threadId, 'read');
    if (access.relation === 'team') await logTeamAccess(trx, access.thread, actor, 'read');
    return access;
  });
  const envelopes = await repo.listEnvelopesOf(ctx.db, threadId, actor.id);
  const absence = thread.counsellorId ? await findAbsence(ctx.db, thread.counsellorId) : undefined;
  return {
    ...summaryView(thread),
    relation,
    envelopes: envelopes.map((envelope) => ({
      epoch: envelope.epoch,
      creatorId: envelope.creatorId,
      sealedKey: toB64(envelope.sealedKey),
      signature: toB64(envelope.signature),
    })),
    counsellorAbsence: absence ? { message: absence.message, until: absence.until?.toISOString() ?? null } : null,
  };
}

export async function logTeamAccess(trx: Trx, thread: ThreadAccessRow, actor: Actor, action: 'read' | 'write') {
  await recordTeamAccess(trx, { threadId: thread.id, agencyId: thread.agencyId, counsellorId: actor.id, action });
}

/** Keys of everyone in the thread; `isReader` marks who a new epoch must be sealed to. */
export async function threadMembers(ctx: ServiceContext, actor: Actor, threadId: string) {
  const { thread } = await requireThreadAccess(ctx.db, actor, threadId, 'read');
  const readers = await expectedReaders(ctx.db, thread);
  const ids = new Set([...readers, ...(await repo.listParticipantIds(ctx.db, threadId))]);
  const keys = await userKeysView(ctx, ids);
  return { members: keys.map((key) => ({ ...key, isReader: readers.has(key.userId) })) };
}

/**
 * What a counsellor of the agency needs to claim an enquiry (the seeker's keys, the team flag,
 * the epoch), without opening it. Once claimed it answers THREAD_ALREADY_CLAIMED like the claim,
 * so a lost race reads the same whichever way the client asked; outsiders get the usual 404.
 */
export async function claimPreview(ctx: ServiceContext, actor: Actor, threadId: string): Promise<ThreadSummaryView> {
  const thread = await loadThreadForActor(ctx.db, actor.id, threadId);
  if (!thread || thread.memberId === null || actor.role !== 'counsellor') throw Errors.THREAD_NOT_FOUND();
  if (thread.status !== 'enquiry' || thread.counsellorId !== null) throw Errors.THREAD_ALREADY_CLAIMED();
  return summaryView(thread);
}

/**
 * Exactly one claim wins. Only counsellors of the thread's agency may try; they knew the
 * enquiry, so a lost race is a 409, while everyone else gets the usual 404.
 */
export async function claimThread(ctx: ServiceContext, actor: Actor, threadId: string, envelopes: EnvelopeInputView[]) {
  if (actor.role !== 'counsellor') throw Errors.THREAD_NOT_FOUND();
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    const thread = await loadThreadForActor(trx, actor.id, threadId);
    if (!thread || thread.memberId === null) throw Errors.THREAD_NOT_FOUND();
    if (!(await repo.claimThread(trx, threadId, actor.id))) throw Errors.THREAD_ALREADY_CLAIMED();
    const after = { ...thread, status: 'active' as const, counsellorId: actor.id };
    requireEnvelopesFor(await expectedReaders(trx, after), envelopes.map((envelope) => envelope.recipientId));
    const epoch = thread.currentEpoch + 1;
    if (!(await repo.advanceEpoch(trx, threadId, epoch))) throw Errors.THREAD_EPOCH_CONFLICT(String(epoch));
    await repo.insertEpoch(trx, threadId, epoch, 'claimed', actor.id, envelopeRows(envelopes));
    return { ...after, currentEpoch: epoch };
  });
  await publishAll(ctx, [
    {
      type: 'thread.claimed',
      payload: { threadId, agencyId: claimed.agencyId, seekerId: claimed.seekerId, counsellorId: actor.id },
    },
  ]);
  return getThread(ctx, actor, threadId);
}

/** Starts the next epoch, sealed to exactly the current readers; clears a pending re-key. */
export async function rotateEpoch(
  ctx: ServiceContext,
  actor: Actor,
  threadId: string,
  epoch: number,
  envelopes: EnvelopeInputView[],
) {
  const thread = await ctx.db.transaction().execute(async (trx) => {
    const { thread, relation } = await requireThreadAccess(trx, actor, threadId, 'read', true);
    if (thread.currentEpoch + 1 !== epoch) throw Errors.THREAD_EPOCH_CONFLICT(String(epoch));
    requireEnvelopesFor(await expectedReaders(trx, thread), envelopes.map((envelope) => envelope.recipientId));
    if (!(await repo.advanceEpoch(trx, threadId, epoch))) throw Errors.THREAD_EPOCH_CONFLICT(String(epoch));
    await repo.insertEpoch(trx, threadId, epoch, 'readers_changed', actor.id, envelopeRows(envelopes));
    if (relation === 'team') await logTeamAccess(trx, thread, actor, 'write');
    return thread;
  });
  await publishAll(ctx, [{ type: 'thread.epoch', payload: { threadId, agencyId: thread.agencyId, epoch } }]);
  return getThread(ctx, actor, threadId);
}

/**
 * Re-shares past epoch keys with current readers who lack them (e.g. a colleague who joined
 * the team later). Only someone who holds that epoch can share it, and only to current readers.
 */
export async function reshare(ctx: ServiceContext, actor: Actor, threadId: string, input: ReshareInput) {
  return ctx.db.transaction().execute(async (trx) => {
    const { thread } = await requireThreadAccess(trx, actor, threadId, 'read');
    const readers = await expectedReaders(trx, thread);
    const held = new Set((await repo.listEnvelopesOf(trx, threadId, actor.id)).map((envelope) => envelope.epoch));
    for (const envelope of input.envelopes) {
      if (!held.has(envelope.epoch)) throw Errors.ENVELOPE_EPOCH_UNKNOWN(String(envelope.epoch));
      if (!readers.has(envelope.recipientId)) throw Errors.THREAD_READERS_CHANGED('recipient is not a reader');
    }
    const added = await repo.insertMissingEnvelopes(
      trx,
      threadId,
      actor.id,
      input.envelopes.map((envelope) => ({
        epoch: envelope.epoch,
        recipientId: envelope.recipientId,
        sealedKey: fromB64(envelope.sealedKey),
        signature: fromB64(envelope.signature),
      })),
    );
    return { added };
  });
}

const TRANSITIONS: Record<ThreadStatusChange, ReadonlySet<ThreadStatus>> = {
  closed: new Set(['active']),
  archived: new Set(['active', 'closed']),
  // Reopening; a new message reopens too (in the send path).
  active: new Set(['closed', 'archived']),
};

/** Close, archive or reopen a case; a new message also reopens it. */
export async function setThreadStatus(ctx: ServiceContext, actor: Actor, threadId: string, status: ThreadStatusChange) {
  const thread = await ctx.db.transaction().execute(async (trx) => {
    const { thread, relation } = await requireThreadAccess(trx, actor, threadId, 'manage', true);
    if (!TRANSITIONS[status].has(thread.status)) throw Errors.THREAD_STATUS_CONFLICT(thread.status, status);
    await repo.setStatus(trx, threadId, status);
    if (relation === 'team') await logTeamAccess(trx, thread, actor, 'write');
    return thread;
  });
  await publishAll(ctx, [{ type: 'thread.status', payload: { threadId, agencyId: thread.agencyId, status } }]);
  return getThread(ctx, actor, threadId);
}

/** Team-view accesses of one case: its assigned counsellor, the agency's admins, global admins. */
export async function threadAccessLog(
  ctx: ServiceContext,
  actor: Actor,
  threadId: string,
  limit: number,
): Promise<{ entries: AccessLogEntryView[] }> {
  const thread = await loadThreadForActor(ctx.db, actor.id, threadId);
  const allowed =
    thread &&
    (actor.role === 'admin' || (thread.memberId !== null && (thread.counsellorId === actor.id || thread.isAgencyAdmin === true)));
  if (!allowed) throw Errors.THREAD_NOT_FOUND();
  return { entries: await listAccessLogOfThread(ctx.db, threadId, limit) };
}
