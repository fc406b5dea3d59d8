import { listAgencyCounsellorIds } from '../agencies/repository.ts';
import type { Db, Trx } from '../db/schema.ts';
import { Errors } from '../errors.ts';
import type { ThreadStatus } from './table.ts';

/** The readership facts of a thread (existing or about to exist). */
export interface ReadershipFacts {
  seekerId: string;
  agencyId: string;
  counsellorId: string | null;
  status: ThreadStatus;
  isTeam: boolean;
}

/**
 * Who must hold the current epoch key: exactly who may read. The same rule as
 * `relationTo`, expressed as a set, so envelopes and permissions cannot drift apart.
 */
export async function expectedReaders(db: Db | Trx, facts: ReadershipFacts): Promise<Set<string>> {
  const readers = new Set<string>([facts.seekerId]);
  if (facts.counsellorId) readers.add(facts.counsellorId);
  if (facts.status === 'enquiry' || facts.isTeam) {
    for (const id of await listAgencyCounsellorIds(db, facts.agencyId)) readers.add(id);
  }
  return readers;
}

/** Rejects an envelope set that does not address exactly the expected readers. */
export function requireEnvelopesFor(expected: Set<string>, recipientIds: string[]): void {
  const given = new Set(recipientIds);
  const missing = [...expected].filter((id) => !given.has(id)).length;
  const extra = [...given].filter((id) => !expected.has(id)).length;
  if (missing > 0 || extra > 0 || given.size !== recipientIds.length) {
    throw Errors.THREAD_READERS_CHANGED(`${missing} missing, ${extra} not allowed`);
  }
}
