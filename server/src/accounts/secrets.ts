import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { toB64 } from '../common/bytes.ts';

/**
 * The auth key is already a 256-bit Argon2id output, so one salted SHA-256 is enough to
 * make a database leak useless for logging in; a slow hash would add nothing here.
 */
export function hashAuthKey(authKey: Uint8Array, salt: Uint8Array): Uint8Array {
  return createHash('sha256').update(salt).update(authKey).digest();
}

export function authKeyMatches(authKey: Uint8Array, salt: Uint8Array, expected: Uint8Array): boolean {
  const actual = hashAuthKey(authKey, salt);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function newSalt(): Uint8Array {
  return randomBytes(16);
}

/** Opaque bearer token; the database keeps only its hash. */
export function newToken(): { token: string; hash: Uint8Array } {
  const token = toB64(randomBytes(32));
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): Uint8Array {
  return createHash('sha256').update(token).digest();
}

/** Activation codes are stored hashed like tokens: a database read does not activate anyone. */
export const hashActivationCode = hashToken;

/**
 * Salt for a username that does not exist: stable per secret, so probing pre-login
 * cannot tell registered names from unknown ones.
 */
export function fakeKdfSalt(secret: Uint8Array, username: string): Uint8Array {
  return createHmac('sha256', secret).update(`prelogin:${username}`).digest().subarray(0, 16);
}
