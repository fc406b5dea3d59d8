import { fromB64, toB64 } from '../common/bytes.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { Errors } from '../errors.ts';
import * as repo from './repository.ts';
import type { ResumeCodeInput, ResumeInput, ResumeView } from './schemas.ts';
import { authKeyMatches, hashAuthKey, newSalt } from './secrets.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { session } from './service.ts';

/**
 * Stores an anonymous seeker's resume code (its derived values only). Registered accounts have a
 * password and its backup instead, and staff never resume anonymously.
 */
export async function setResumeCode(ctx: ServiceContext, actor: Actor, input: ResumeCodeInput): Promise<void> {
  if (actor.role !== 'seeker' || !actor.isAnonymous) throw Errors.RESUME_CODE_ANONYMOUS_ONLY();
  const authSalt = newSalt();
  try {
    await repo.upsertResumeCode(ctx.db, {
      userId: actor.id,
      lookupId: fromB64(input.lookupId),
      authHash: hashAuthKey(fromB64(input.authKey), authSalt),
      authSalt,
      keyBackup: fromB64(input.keyBackup.ciphertext),
      keyBackupNonce: fromB64(input.keyBackup.nonce),
    });
  } catch (error) {
    // Another account's lookup id: only its holder can compute it, so nothing is revealed here.
    if (isUniqueViolation(error)) throw Errors.RESUME_CODE_CONFLICT();
    throw error;
  }
}

/** A new session for the holder of a resume code, with the wrapped identity to unlock in the client. */
export async function resume(ctx: ServiceContext, input: ResumeInput): Promise<ResumeView> {
  const row = await repo.findResumeCode(ctx.db, fromB64(input.lookupId));
  if (!row || !authKeyMatches(fromB64(input.authKey), row.authSalt, row.authHash)) throw Errors.RESUME_CODE_INVALID();
  const { token, user } = await session(ctx, row.userId);
  return { token, user, keyBackup: { nonce: toB64(row.keyBackupNonce), ciphertext: toB64(row.keyBackup) } };
}
