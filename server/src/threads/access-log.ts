import { randomUUID } from 'node:crypto';
import type { AccessLogEntryView } from '../agencies/schemas.ts';
import type { Db, Trx } from '../db/schema.ts';

/** Written in the same transaction as the access it records, so no team-view read goes unlogged. */
export async function recordTeamAccess(
  trx: Trx,
  entry: { threadId: string; agencyId: string; counsellorId: string; action: 'read' | 'write' },
): Promise<void> {
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
