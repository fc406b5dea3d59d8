import { createHash } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type * as contract from '../../../client-sdk/src/contract/accounts.ts';
import { publishAll, type Actor, type ServiceContext } from '../context.ts';
import { Errors } from '../errors.ts';
import { deleteUserTokens, listLiveTokens } from './repository.ts';

type SessionInfo = Static<typeof contract.SessionInfo>;

/**
 * The public id of the session behind a token hash: a hash of that hash, so that a listed id
 * can name a session for revocation but never log anyone in.
 */
export function sessionId(tokenHash: Uint8Array): string {
  return createHash('sha256').update('counsel-session-id:').update(tokenHash).digest().subarray(0, 16).toString('base64url');
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** The caller's live sessions, oldest first; `current` is the one whose token made the request. */
export async function listSessions(ctx: ServiceContext, actor: Actor, currentTokenHash: Uint8Array): Promise<SessionInfo[]> {
  const tokens = await listLiveTokens(ctx.db, actor.id);
  return tokens.map((token) => ({
    id: sessionId(token.tokenHash),
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    current: sameBytes(token.tokenHash, currentTokenHash),
  }));
}

/** Ends one of the caller's sessions (the current one too: that is a logout). */
export async function revokeSession(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  const tokens = await listLiveTokens(ctx.db, actor.id);
  const target = tokens.find((token) => sessionId(token.tokenHash) === id);
  if (!target || (await revoke(ctx, actor.id, [target.tokenHash])) === 0) throw Errors.SESSION_NOT_FOUND();
}

/**
 * Ends every session of the caller except the one that asks; returns how many ended. A
 * password change calls this too, so a stolen token dies with the old password.
 */
export async function revokeOtherSessions(ctx: ServiceContext, actor: Actor, keepTokenHash: Uint8Array): Promise<number> {
  const tokens = await listLiveTokens(ctx.db, actor.id);
  const others = tokens.map((token) => token.tokenHash).filter((hash) => !sameBytes(hash, keepTokenHash));
  return revoke(ctx, actor.id, others);
}

/** Deletes the tokens, then tells every instance to forget them and close their WebSockets. */
async function revoke(ctx: ServiceContext, userId: string, tokenHashes: Uint8Array[]): Promise<number> {
  const deleted = await deleteUserTokens(ctx.db, userId, tokenHashes);
  await publishAll(
    ctx,
    tokenHashes.map((hash) => ({ type: 'auth.revoked' as const, payload: { tokenHash: Buffer.from(hash).toString('hex'), userIds: [] } })),
  );
  return deleted;
}
