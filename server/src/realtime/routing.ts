import type { Db } from '../db/schema.ts';
import { expectedReaders } from '../threads/readers.ts';

/** One query for everything the router needs about a thread. */
export async function threadFacts(db: Db, threadId: string) {
  return db
    .selectFrom('threads as t')
    .innerJoin('agencies as a', 'a.id', 't.agencyId')
    .select(['t.id', 't.seekerId', 't.agencyId', 't.counsellorId', 't.status', 'a.isTeam'])
    .where('t.id', '=', threadId)
    .executeTakeFirst();
}

export type ThreadFacts = NonNullable<Awaited<ReturnType<typeof threadFacts>>>;

/** A new message with its thread's routing facts, in one query (the delivery hot path). */
export async function messageWithFacts(db: Db, messageId: string) {
  return db
    .selectFrom('messages as msg')
    .innerJoin('threads as t', 't.id', 'msg.threadId')
    .innerJoin('agencies as a', 'a.id', 't.agencyId')
    .selectAll('msg')
    .select(['t.seekerId', 't.agencyId', 't.counsellorId', 't.status', 'a.isTeam'])
    .where('msg.id', '=', messageId)
    .executeTakeFirst();
}

/**
 * Who receives a thread's content live: the readers, except team colleagues of a claimed case,
 * who get an activity notice and open the case through the logged team view.
 */
export async function liveAudience(db: Db, facts: ThreadFacts): Promise<{ full: Set<string>; activity: Set<string> }> {
  const readers = await expectedReaders(db, facts);
  if (facts.status === 'enquiry' || !facts.isTeam) return { full: readers, activity: new Set() };
  const full = new Set([facts.seekerId, ...(facts.counsellorId ? [facts.counsellorId] : [])]);
  const activity = new Set([...readers].filter((id) => !full.has(id)));
  return { full, activity };
}

