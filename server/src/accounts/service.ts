import { randomUUID } from 'node:crypto';
import { resolveLink } from '../agencies/service.ts';
import { listMembershipsOfUser } from '../agencies/repository.ts';
import { fromB64, randomCode, toB64 } from '../common/bytes.ts';
import { publishAll, type Actor, type ServiceContext } from '../context.ts';
import type { Db } from '../db/schema.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { Errors } from '../errors.ts';
import * as repo from './repository.ts';
import type {
  ActivateInput,
  AnonymousInput,
  LoginInput,
  LoginView,
  MeView,
  RegisterInput,
  SessionView,
} from './schemas.ts';
import {
  authKeyMatches,
  fakeKdfSalt,
  hashActivationCode,
  hashAuthKey,
  hashToken,
  newSalt,
  newToken,
} from './secrets.ts';
import type { Role, UserRow } from './table.ts';

/** Argon2id INTERACTIVE limits, given for unknown usernames so they look like real ones. */
const DEFAULT_OPS_LIMIT = 2;
const DEFAULT_MEM_LIMIT = 67108864;
/** Anonymous activity is written at most this often, to keep the hot path free of writes. */
const TOUCH_INTERVAL_MS = 60_000;

function normaliseUsername(username: string): string {
  return username.toLowerCase();
}


async function meView(db: Db, user: UserRow): Promise<MeView> {
  const memberships = user.role === 'counsellor' ? await listMembershipsOfUser(db, user.id) : [];
  return {
    id: user.id,
    role: user.role,
    username: user.username,
    email: user.email,
    displayName: user.displayName,
    isAnonymous: user.isAnonymous,
    signPublicKey: user.signPublicKey ? toB64(user.signPublicKey) : null,
    boxPublicKey: user.boxPublicKey ? toB64(user.boxPublicKey) : null,
    linkAgencyId: user.linkAgencyId,
    linkCounsellorId: user.linkCounsellorId,
    memberships,
  };
}

async function issueToken(ctx: ServiceContext, userId: string): Promise<string> {
  const { token, hash } = newToken();
  await repo.insertToken(ctx.db, hash, userId, new Date(Date.now() + ctx.config.tokenTtlSeconds * 1000));
  return token;
}

/** A new token for the user, with the user's own view. */
export async function session(ctx: ServiceContext, userId: string): Promise<SessionView> {
  const token = await issueToken(ctx, userId);
  const user = await repo.findUserById(ctx.db, userId);
  if (!user) throw Errors.USER_NOT_FOUND();
  return { token, user: await meView(ctx.db, user) };
}

async function linkColumns(ctx: ServiceContext, linkCode: string | undefined) {
  if (!linkCode) return { linkAgencyId: null, linkCounsellorId: null };
  const link = await resolveLink(ctx, linkCode);
  return {
    linkAgencyId: link.agencyId,
    linkCounsellorId: link.kind === 'counsellor' ? link.counsellorId : null,
  };
}

/** The KDF parameters a client needs before it can derive the auth key. */
export async function prelogin(ctx: ServiceContext, username: string) {
  const user = await repo.findUserByUsername(ctx.db, normaliseUsername(username));
  if (user?.kdfSalt && user.kdfOpsLimit && user.kdfMemLimit) {
    return { kdf: { salt: toB64(user.kdfSalt), opsLimit: user.kdfOpsLimit, memLimit: user.kdfMemLimit } };
  }
  const salt = fakeKdfSalt(ctx.config.serverSecret, normaliseUsername(username));
  return { kdf: { salt: toB64(salt), opsLimit: DEFAULT_OPS_LIMIT, memLimit: DEFAULT_MEM_LIMIT } };
}

/** Registers a seeker with username and password-derived keys; e-mail is optional. */
export async function registerSeeker(ctx: ServiceContext, input: RegisterInput): Promise<SessionView> {
  const id = randomUUID();
  const authSalt = newSalt();
  const links = await linkColumns(ctx, input.linkCode);
  try {
    await repo.insertUser(ctx.db, {
      id,
      role: 'seeker',
      username: normaliseUsername(input.username),
      email: input.email ?? null,
      displayName: null,
      authHash: hashAuthKey(fromB64(input.authKey), authSalt),
      authSalt,
      kdfSalt: fromB64(input.kdf.salt),
      kdfOpsLimit: input.kdf.opsLimit,
      kdfMemLimit: input.kdf.memLimit,
      signPublicKey: fromB64(input.identity.signPublicKey),
      boxPublicKey: fromB64(input.identity.boxPublicKey),
      keyBackup: fromB64(input.keyBackup.ciphertext),
      keyBackupNonce: fromB64(input.keyBackup.nonce),
      activationCodeHash: null,
      ...links,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.USERNAME_TAKEN();
    throw error;
  }
  return session(ctx, id);
}

/** An anonymous seeker: public keys only, no password, no backup; expires when idle. */
export async function registerAnonymous(ctx: ServiceContext, input: AnonymousInput): Promise<SessionView> {
  const id = randomUUID();
  await repo.insertUser(ctx.db, {
    id,
    role: 'seeker',
    username: null,
    email: null,
    displayName: null,
    authHash: null,
    authSalt: null,
    kdfSalt: null,
    kdfOpsLimit: null,
    kdfMemLimit: null,
    signPublicKey: fromB64(input.identity.signPublicKey),
    boxPublicKey: fromB64(input.identity.boxPublicKey),
    keyBackup: null,
    keyBackupNonce: null,
    activationCodeHash: null,
    isAnonymous: true,
    ...(await linkColumns(ctx, input.linkCode)),
  });
  return session(ctx, id);
}

export async function login(ctx: ServiceContext, input: LoginInput): Promise<LoginView> {
  const user = await repo.findUserByUsername(ctx.db, normaliseUsername(input.username));
  const ok =
    user?.authHash &&
    user.authSalt &&
    user.activationCodeHash === null &&
    authKeyMatches(fromB64(input.authKey), user.authSalt, user.authHash);
  if (!ok || !user.kdfSalt || !user.keyBackup || !user.keyBackupNonce) throw Errors.AUTH_INVALID_CREDENTIALS();
  const { token, user: me } = await session(ctx, user.id);
  return {
    token,
    user: me,
    kdf: { salt: toB64(user.kdfSalt), opsLimit: user.kdfOpsLimit ?? 0, memLimit: user.kdfMemLimit ?? 0 },
    keyBackup: { nonce: toB64(user.keyBackupNonce), ciphertext: toB64(user.keyBackup) },
  };
}

/** Staff accounts are created without secrets; the person sets password and keys here. */
export async function activate(ctx: ServiceContext, input: ActivateInput): Promise<SessionView> {
  const user = await repo.findUserByActivationCode(ctx.db, hashActivationCode(input.activationCode));
  if (!user) throw Errors.ACTIVATION_CODE_INVALID();
  const authSalt = newSalt();
  try {
    const result = await ctx.db
      .updateTable('users')
      .set({
        username: normaliseUsername(input.username),
        displayName: input.displayName ?? user.displayName,
        authHash: hashAuthKey(fromB64(input.authKey), authSalt),
        authSalt,
        kdfSalt: fromB64(input.kdf.salt),
        kdfOpsLimit: input.kdf.opsLimit,
        kdfMemLimit: input.kdf.memLimit,
        signPublicKey: fromB64(input.identity.signPublicKey),
        boxPublicKey: fromB64(input.identity.boxPublicKey),
        keyBackup: fromB64(input.keyBackup.ciphertext),
        keyBackupNonce: fromB64(input.keyBackup.nonce),
        activationCodeHash: null,
      })
      .where('id', '=', user.id)
      .where('activationCodeHash', 'is not', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw Errors.ACTIVATION_CODE_INVALID();
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.USERNAME_TAKEN();
    throw error;
  }
  return session(ctx, user.id);
}

/** Creates a staff account awaiting activation; returns the one-time activation code. */
export async function createStaffAccount(
  db: Db,
  input: { role: Exclude<Role, 'seeker'>; displayName: string | null; email?: string | null },
): Promise<{ userId: string; activationCode: string }> {
  const userId = randomUUID();
  const activationCode = randomCode(24);
  await repo.insertUser(db, {
    id: userId,
    role: input.role,
    username: null,
    email: input.email ?? null,
    displayName: input.displayName,
    authHash: null,
    authSalt: null,
    kdfSalt: null,
    kdfOpsLimit: null,
    kdfMemLimit: null,
    signPublicKey: null,
    boxPublicKey: null,
    keyBackup: null,
    keyBackupNonce: null,
    activationCodeHash: hashActivationCode(activationCode),
  });
  return { userId, activationCode };
}

export async function logout(ctx: ServiceContext, token: string): Promise<void> {
  const hash = hashToken(token);
  await repo.deleteToken(ctx.db, hash);
  await publishAll(ctx, [{ type: 'auth.revoked', payload: { tokenHash: Buffer.from(hash).toString('hex'), userIds: [] } }]);
}

export async function me(ctx: ServiceContext, actor: Actor): Promise<MeView> {
  const user = await repo.findUserById(ctx.db, actor.id);
  if (!user) throw Errors.AUTH_REQUIRED();
  return meView(ctx.db, user);
}

/** A seeker deletes the account; every thread, message and token goes with it (cascade). */
export async function deleteAccount(ctx: ServiceContext, actor: Actor): Promise<void> {
  if (actor.role !== 'seeker') throw Errors.ACCOUNT_NOT_DELETABLE();
  await repo.deleteUser(ctx.db, actor.id);
  await publishAll(ctx, [{ type: 'auth.revoked', payload: { tokenHash: null, userIds: [actor.id] } }]);
}

/** Resolves a bearer token; anonymous activity refreshes their expiry. */
export async function authenticateToken(ctx: ServiceContext, token: string): Promise<Actor | null> {
  const hash = hashToken(token);
  const key = Buffer.from(hash).toString('hex');
  const cached = ctx.actors.get(key);
  if (cached) return cached;
  const row = await repo.findActorByTokenHash(ctx.db, hash);
  if (!row) return null;
  if (row.isAnonymous && Date.now() - row.lastActiveAt.getTime() > TOUCH_INTERVAL_MS) {
    await repo.touchUser(ctx.db, row.id);
  }
  const actor: Actor = { id: row.id, role: row.role, isAnonymous: row.isAnonymous };
  ctx.actors.set(key, actor);
  return actor;
}

/** Deletes anonymous seekers idle for longer than the configured time. */
export async function expireAnonymous(ctx: ServiceContext, now = new Date()): Promise<number> {
  const deleted = await repo.deleteIdleAnonymous(ctx.db, new Date(now.getTime() - ctx.config.anonIdleTtlSeconds * 1000));
  if (deleted.length === 0) return 0;
  ctx.log.info({ deleted: deleted.length }, 'expireAnonymous | removed idle anonymous seekers');
  await publishAll(ctx, [{ type: 'auth.revoked', payload: { tokenHash: null, userIds: deleted } }]);
  return deleted.length;
}
