import type { Actor } from '../context.ts';
import type { Db, Trx } from '../db/schema.ts';
import { Errors } from '../errors.ts';
import type { ThreadStatus } from '../threads/table.ts';

/** How the actor is related to a thread; decides every permission below. */
export type ThreadRelation = 'seeker' | 'assigned' | 'agency' | 'team';

export type ThreadPermission = 'read' | 'write' | 'manage';

/** The facts the rules need, read in one query together with the thread. */
export interface ThreadAccessRow {
  id: string;
  seekerId: string;
  agencyId: string;
  topicId: string;
  counsellorId: string | null;
  status: ThreadStatus;
  currentEpoch: number;
  rekeyRequired: boolean;
  lastSeq: number;
  createdAt: Date;
  updatedAt: Date;
  isTeam: boolean;
  agencyName: string;
  topicName: string;
  seekerSignPublicKey: Uint8Array | null;
  seekerBoxPublicKey: Uint8Array | null;
  memberId: string | null;
  isAgencyAdmin: boolean | null;
}

export interface ThreadAccess {
  thread: ThreadAccessRow;
  relation: ThreadRelation;
}

/**
 * The one rule of who may see a thread: its seeker; the agency's counsellors while it is a
 * first enquiry; after the claim the assigned counsellor, plus the team in a team agency.
 * Admins and everyone else: nobody.
 */
export type RelationFacts = Pick<ThreadAccessRow, 'seekerId' | 'counsellorId' | 'status' | 'isTeam' | 'memberId'>;

export function relationTo(actor: Actor, thread: RelationFacts): ThreadRelation | null {
  if (actor.role === 'seeker') return thread.seekerId === actor.id ? 'seeker' : null;
  if (actor.role !== 'counsellor' || thread.memberId === null) return null;
  if (thread.counsellorId === actor.id) return 'assigned';
  if (thread.status === 'enquiry') return 'agency';
  return thread.isTeam ? 'team' : null;
}

const ALLOWED: Record<ThreadPermission, ReadonlySet<ThreadRelation>> = {
  read: new Set(['seeker', 'assigned', 'agency', 'team']),
  // Counsellors claim an enquiry before they write to it.
  write: new Set(['seeker', 'assigned', 'team']),
  manage: new Set(['assigned', 'team']),
};

/** Loads a thread with the actor's membership facts; `lock` takes the row lock (needs a transaction). */
export async function loadThreadForActor(
  db: Db | Trx,
  actorId: string,
  threadId: string,
  lock = false,
): Promise<ThreadAccessRow | undefined> {
  let query = db
    .selectFrom('threads as t')
    .innerJoin('agencies as a', 'a.id', 't.agencyId')
    .innerJoin('topics as tp', 'tp.id', 't.topicId')
    .innerJoin('users as s', 's.id', 't.seekerId')
    .leftJoin('agencyMembers as m', (join) => join.onRef('m.agencyId', '=', 't.agencyId').on('m.userId', '=', actorId))
    .select([
      't.id',
      't.seekerId',
      't.agencyId',
      't.topicId',
      't.counsellorId',
      't.status',
      't.currentEpoch',
      't.rekeyRequired',
      't.lastSeq',
      't.createdAt',
      't.updatedAt',
      'a.isTeam',
      'a.name as agencyName',
      'tp.name as topicName',
      's.signPublicKey as seekerSignPublicKey',
      's.boxPublicKey as seekerBoxPublicKey',
      'm.userId as memberId',
      'm.isAgencyAdmin',
    ])
    .where('t.id', '=', threadId);
  // FOR UPDATE cannot lock the nullable side of the outer join, so only the thread row is locked.
  if (lock) query = query.forUpdate('t');
  return query.executeTakeFirst();
}

/**
 * First line of every thread operation. "Does not exist" and "not yours" give the same 404,
 * so ids cannot be probed across agencies.
 *
 * With `lock`, the rule is checked on a plain read first: a caller who is refused never waits
 * for the row lock nor takes it, so outsiders can neither stall the thread's own writers nor
 * tell a real id from a random one by how long the answer takes. It is checked again on the
 * locked row, so it still holds at commit.
 */
export async function requireThreadAccess(
  db: Db | Trx,
  actor: Actor,
  threadId: string,
  permission: ThreadPermission,
  lock = false,
): Promise<ThreadAccess> {
  if (lock) await requireThreadAccess(db, actor, threadId, permission, false);
  const thread = await loadThreadForActor(db, actor.id, threadId, lock);
  if (!thread) throw Errors.THREAD_NOT_FOUND();
  return { thread, relation: requirePermission(actor, thread, permission) };
}

/** The permission rule on already loaded facts (for queries that load them another way). */
export function requirePermission(actor: Actor, facts: RelationFacts, permission: ThreadPermission): ThreadRelation {
  const relation = relationTo(actor, facts);
  if (!relation) throw Errors.THREAD_NOT_FOUND();
  if (!ALLOWED[permission].has(relation)) {
    throw permission === 'write' ? Errors.THREAD_WRITE_FORBIDDEN() : Errors.THREAD_NOT_FOUND();
  }
  return relation;
}
