import type { Db } from '../db/schema.ts';

export async function findAbsence(db: Db, userId: string) {
  return db
    .selectFrom('absenceNotices')
    .select(['message', 'until'])
    .where('userId', '=', userId)
    .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', new Date())]))
    .executeTakeFirst();
}

export async function upsertAbsence(db: Db, userId: string, message: string, until: Date | null): Promise<void> {
  await db
    .insertInto('absenceNotices')
    .values({ userId, message, until })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ message, until, updatedAt: new Date() }))
    .execute();
}

export async function deleteAbsence(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('absenceNotices').where('userId', '=', userId).execute();
}

/** Which of these users are absent right now (used to skip new-enquiry e-mails). */
export async function absentUserIds(db: Db, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('absenceNotices')
    .select('userId')
    .where('userId', 'in', userIds)
    .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', new Date())]))
    .execute();
  return new Set(rows.map((row) => row.userId));
}

/**
 * The notices in force of the counsellors of these agencies, in one query whatever their number
 * (the landing page lists several agencies at once).
 */
export async function listNoticesOfAgencies(db: Db, agencyIds: string[]) {
  if (agencyIds.length === 0) return [];
  return db
    .selectFrom('absenceNotices')
    .innerJoin('agencyMembers', 'agencyMembers.userId', 'absenceNotices.userId')
    .innerJoin('users', 'users.id', 'absenceNotices.userId')
    .select(['agencyMembers.agencyId', 'users.displayName as counsellorName', 'absenceNotices.message', 'absenceNotices.until'])
    .where('agencyMembers.agencyId', 'in', agencyIds)
    .where('users.role', '=', 'counsellor')
    .where((eb) => eb.or([eb('absenceNotices.until', 'is', null), eb('absenceNotices.until', '>', new Date())]))
    .orderBy('users.displayName')
    .execute();
}
