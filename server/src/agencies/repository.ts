import type { Db } from '../db/schema.ts';

export async function insertTopic(db: Db, id: string, name: string): Promise<void> {
  await db.insertInto('topics').values({ id, name }).execute();
}

export async function findTopic(db: Db, id: string) {
  return db.selectFrom('topics').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Topics with the id of each one's virtual agency, in one query. */
export async function listTopicsWithVirtualAgency(db: Db) {
  return db
    .selectFrom('topics')
    .leftJoin('agencies', 'agencies.virtualForTopicId', 'topics.id')
    .select(['topics.id', 'topics.name', 'agencies.id as virtualAgencyId'])
    .orderBy('topics.name')
    .execute();
}

export async function insertAgency(
  db: Db,
  row: { id: string; name: string; isTeam: boolean; virtualForTopicId: string | null; linkCode: string },
): Promise<void> {
  await db.insertInto('agencies').values(row).execute();
}

export async function findAgency(db: Db, id: string) {
  return db.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAgencies(db: Db) {
  return db.selectFrom('agencies').selectAll().orderBy('name').execute();
}

export async function insertAgencyTopics(db: Db, agencyId: string, topicIds: string[]): Promise<void> {
  if (topicIds.length === 0) return;
  await db
    .insertInto('agencyTopics')
    .values(topicIds.map((topicId) => ({ agencyId, topicId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function insertPostcodeRanges(
  db: Db,
  ranges: Array<{ id: string; agencyId: string; postcodeFrom: string; postcodeTo: string }>,
): Promise<void> {
  if (ranges.length === 0) return;
  await db.insertInto('agencyPostcodeRanges').values(ranges).execute();
}

export async function agencyServesTopic(db: Db, agencyId: string, topicId: string): Promise<boolean> {
  const row = await db
    .selectFrom('agencyTopics')
    .select('agencyId')
    .where('agencyId', '=', agencyId)
    .where('topicId', '=', topicId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Local agencies for a topic whose postcode ranges contain the postcode (5-digit strings compare in order). */
export async function findLocalAgencies(db: Db, topicId: string, postcode: string) {
  return db
    .selectFrom('agencies')
    .innerJoin('agencyTopics', 'agencyTopics.agencyId', 'agencies.id')
    .select(['agencies.id', 'agencies.name', 'agencies.isTeam', 'agencies.virtualForTopicId'])
    .where('agencyTopics.topicId', '=', topicId)
    .where('agencies.virtualForTopicId', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('agencyPostcodeRanges')
          .select('agencyPostcodeRanges.id')
          .whereRef('agencyPostcodeRanges.agencyId', '=', 'agencies.id')
          .where('agencyPostcodeRanges.postcodeFrom', '<=', postcode)
          .where('agencyPostcodeRanges.postcodeTo', '>=', postcode),
      ),
    )
    .orderBy('agencies.name')
    .execute();
}

export async function findVirtualAgency(db: Db, topicId: string) {
  return db
    .selectFrom('agencies')
    .select(['id', 'name', 'isTeam', 'virtualForTopicId'])
    .where('virtualForTopicId', '=', topicId)
    .executeTakeFirst();
}

export async function insertMembership(
  db: Db,
  row: { agencyId: string; userId: string; isAgencyAdmin: boolean; personalCode: string },
): Promise<void> {
  await db.insertInto('agencyMembers').values(row).execute();
}

export async function deleteMembership(db: Db, agencyId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('agencyMembers')
    .where('agencyId', '=', agencyId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function findMembership(db: Db, agencyId: string, userId: string) {
  return db
    .selectFrom('agencyMembers')
    .selectAll()
    .where('agencyId', '=', agencyId)
    .where('userId', '=', userId)
    .executeTakeFirst();
}

export async function listMembershipsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('agencyMembers')
    .innerJoin('agencies', 'agencies.id', 'agencyMembers.agencyId')
    .select([
      'agencyMembers.agencyId',
      'agencies.name as agencyName',
      'agencies.isTeam',
      'agencyMembers.isAgencyAdmin',
      'agencyMembers.personalCode',
      'agencies.linkCode as agencyLinkCode',
    ])
    .where('agencyMembers.userId', '=', userId)
    .orderBy('agencies.name')
    .execute();
}

/** Activated counsellors of an agency (those who have identity keys). */
export async function listAgencyCounsellorIds(db: Db, agencyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('agencyMembers')
    .innerJoin('users', 'users.id', 'agencyMembers.userId')
    .select('users.id')
    .where('agencyMembers.agencyId', '=', agencyId)
    .where('users.role', '=', 'counsellor')
    .where('users.signPublicKey', 'is not', null)
    .execute();
  return rows.map((row) => row.id);
}

export async function findPersonalLink(db: Db, code: string) {
  return db
    .selectFrom('agencyMembers')
    .innerJoin('users', 'users.id', 'agencyMembers.userId')
    .select(['agencyMembers.agencyId', 'agencyMembers.userId', 'users.displayName'])
    .where('agencyMembers.personalCode', '=', code)
    .executeTakeFirst();
}

export async function findAgencyByLinkCode(db: Db, code: string) {
  return db.selectFrom('agencies').select(['id', 'name']).where('linkCode', '=', code).executeTakeFirst();
}

// -- admin console listings: one query per kind of fact, for all agencies at once --

export async function listAllAgencyTopics(db: Db) {
  return db
    .selectFrom('agencyTopics')
    .innerJoin('topics', 'topics.id', 'agencyTopics.topicId')
    .select(['agencyTopics.agencyId', 'topics.id', 'topics.name'])
    .orderBy('topics.name')
    .execute();
}

export async function listAllPostcodeRanges(db: Db) {
  return db
    .selectFrom('agencyPostcodeRanges')
    .select(['agencyId', 'postcodeFrom', 'postcodeTo'])
    .orderBy('postcodeFrom')
    .execute();
}

export async function listAllMembers(db: Db) {
  return db
    .selectFrom('agencyMembers')
    .innerJoin('users', 'users.id', 'agencyMembers.userId')
    .innerJoin('agencies', 'agencies.id', 'agencyMembers.agencyId')
    .select([
      'agencyMembers.agencyId',
      'agencies.name as agencyName',
      'agencyMembers.userId',
      'users.displayName',
      'agencyMembers.isAgencyAdmin',
    ])
    .orderBy('users.displayName')
    .execute();
}

/** Counsellors and admins; `activated` once the person has chosen a password in a client. */
export async function listStaffAccounts(db: Db) {
  return db
    .selectFrom('users')
    .select((eb) => ['id', 'role', 'displayName', 'username', 'email', eb('activationCodeHash', 'is', null).as('activated')])
    .where('role', 'in', ['counsellor', 'admin'])
    .orderBy('displayName')
    .execute();
}
