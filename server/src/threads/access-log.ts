import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AccessLogEntryView } from '../agencies/schemas.ts';
import type { Db, Trx } from '../db/schema.ts';

/**
 * Opening a case loads it several times (thread, history pages, keys); the owner wants to know
 * that a colleague looked, not how many requests that took. So one entry stands for a visit:
 * repeats of the same action by the same colleague within this window are not written again.
 */
export const ACCESS_VISIT_MINUTES = 10;

/** Written in the same transaction as the access it records, so no team-view access goes unlogged. */
export async function recordTeamAccess(
  trx: Trx,
  entry: { threadId: string; agencyId: string; counsellorId: string; action: 'read' | 'write' },
): Promise<void> {
  const sameVisit = await trx
    .selectFrom('teamViewAccessLog')
    .select('id')
    .where('threadId', '=', entry.threadId)
    .where('counsellorId', '=', entry.counsellorId)
    .where('action', '=', entry.action)
    .where('accessedAt', '>', sql<Date>`now() - make_interval(mins => ${ACCESS_VISIT_MINUTES})`)
    .limit(1)
    .executeTakeFirst();
  if (sameVisit) return;
  await trx.insertInto('teamViewAccessLog').values({ id: randomUUID(), ...entry }).execute();
}

function toView(row: {
  id: string;
  threadId: string;
  agencyId: string;
  counsellorId: string;
  action: 'read' | 'write';
  accessedAt: Date;
}): AccessLogEntryView {
  return { ...row, accessedAt: row.accessedAt.toISOString() };
}

export async function listAccessLogOfThread(db: Db, threadId: string, limit: number): Promise<AccessLogEntryView[]> {
  const rows = await db
    .selectFrom('teamViewAccessLog')
    .selectAll()
    .where('threadId', '=', threadId)
    .orderBy('accessedAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toView);
}

export async function listAccessLogOfAgency(db: Db, agencyId: string, limit: number): Promise<AccessLogEntryView[]> {
  const rows = await db
    .selectFrom('teamViewAccessLog')
    .selectAll()
    .where('agencyId', '=', agencyId)
    .orderBy('accessedAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toView);
}
