import type { Db } from '../db/schema.ts';
import type { NewUserRow, UserRow } from './table.ts';

export async function insertUser(db: Db, row: NewUserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserByActivationCode(db: Db, codeHash: Uint8Array): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('activationCodeHash', '=', codeHash).executeTakeFirst();
}

export async function insertToken(db: Db, tokenHash: Uint8Array, userId: string, expiresAt: Date): Promise<void> {
  await db.insertInto('tokens').values({ tokenHash, userId, expiresAt }).execute();
}

export async function deleteToken(db: Db, tokenHash: Uint8Array): Promise<void> {
  await db.deleteFrom('tokens').where('tokenHash', '=', tokenHash).execute();
}

/** The user behind a live token, in one indexed lookup. */
export async function findActorByTokenHash(db: Db, tokenHash: Uint8Array) {
  return db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.userId')
    .select(['users.id', 'users.role', 'users.isAnonymous', 'users.lastActiveAt'])
    .where('tokens.tokenHash', '=', tokenHash)
    .where('tokens.expiresAt', '>', new Date())
    .where('users.activationCodeHash', 'is', null)
    .executeTakeFirst();
}

export async function touchUser(db: Db, userId: string): Promise<void> {
  await db.updateTable('users').set({ lastActiveAt: new Date() }).where('id', '=', userId).execute();
}

export async function deleteUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', userId).execute();
}

/** Deletes idle anonymous seekers; their threads, messages and tokens go by cascade. */
export async function deleteIdleAnonymous(db: Db, idleBefore: Date): Promise<string[]> {
  const rows = await db
    .deleteFrom('users')
    .where('isAnonymous', '=', true)
    .where('lastActiveAt', '<', idleBefore)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function findUsersKeys(db: Db, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'role', 'displayName', 'signPublicKey', 'boxPublicKey'])
    .where('id', 'in', userIds)
    .where('signPublicKey', 'is not', null)
    .execute();
}

/** One resume code per user: a new one replaces the old. */
export async function upsertResumeCode(
  db: Db,
  row: { userId: string; lookupId: Uint8Array; authHash: Uint8Array; authSalt: Uint8Array; keyBackup: Uint8Array; keyBackupNonce: Uint8Array },
): Promise<void> {
  const { userId, ...rest } = row;
  await db
    .insertInto('resumeCodes')
    .values(row)
    .onConflict((oc) => oc.column('userId').doUpdateSet({ ...rest, createdAt: new Date() }))
    .execute();
}

/** The resume code behind a lookup id, only while its user is still an anonymous seeker. */
export async function findResumeCode(db: Db, lookupId: Uint8Array) {
  return db
    .selectFrom('resumeCodes')
    .innerJoin('users', 'users.id', 'resumeCodes.userId')
    .select(['resumeCodes.userId', 'resumeCodes.authHash', 'resumeCodes.authSalt', 'resumeCodes.keyBackup', 'resumeCodes.keyBackupNonce'])
    .where('resumeCodes.lookupId', '=', lookupId)
    .where('users.isAnonymous', '=', true)
    .executeTakeFirst();
}

/** A user's tokens that have not expired, oldest first (the sessions list). */
export async function listLiveTokens(db: Db, userId: string) {
  return db
    .selectFrom('tokens')
    .select(['tokenHash', 'createdAt', 'expiresAt'])
    .where('userId', '=', userId)
    .where('expiresAt', '>', new Date())
    .orderBy('createdAt')
    .execute();
}

/** Deletes these tokens of this user (never another user's); returns how many went. */
export async function deleteUserTokens(db: Db, userId: string, tokenHashes: Uint8Array[]): Promise<number> {
  if (tokenHashes.length === 0) return 0;
  const result = await db.deleteFrom('tokens').where('userId', '=', userId).where('tokenHash', 'in', tokenHashes).executeTakeFirst();
  return Number(result.numDeletedRows);
}
