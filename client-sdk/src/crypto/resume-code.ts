import { sodium } from './sodium.ts';

/** Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 5;
const GROUP_LENGTH = 5;
/** 25 characters × 5 bits = 125 bits from the CSPRNG. */
export const RESUME_CODE_BITS = GROUPS * GROUP_LENGTH * 5;

// Keyed BLAKE2b with this domain string, then KDF subkeys: the code's values can never collide
// with those of a password or any other use of the same primitives.
const DOMAIN = 'counsel.resume-code.v1';
const CONTEXT = 'resumecd';
const LOOKUP_SUBKEY = 1;
const AUTH_SUBKEY = 2;
const WRAP_SUBKEY = 3;

/** What a resume code yields: the first two go to the server, the wrap key never leaves. */
export interface ResumeKeys {
  lookupId: Uint8Array;
  authKey: Uint8Array;
  wrapKey: Uint8Array;
}

/** A fresh code, e.g. `7K2QM-XR4TD-0B9HV-N3CWE-PJ6FA`. */
export function newResumeCode(): string {
  // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
  const bytes = sodium.randombytes_buf(GROUPS * GROUP_LENGTH);
  const chars = Array.from(bytes, (byte) => ALPHABET[byte & 31] as string);
  sodium.memzero(bytes);
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) groups.push(chars.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join(''));
  return groups.join('-');
}

/** Forgives how people retype a code: case, spaces, dashes, and O/I/L for 0/1/1. */
export function normaliseResumeCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/**
 * The three values of a code. A fast KDF is enough: the code carries 125 random bits, so there
 * is nothing for a slow hash to stretch (unlike a password). A wrong code simply derives values
 * the server does not know.
 */
export function deriveResumeKeys(code: string): ResumeKeys {
  const master = sodium.crypto_generichash(32, sodium.from_string(normaliseResumeCode(code)), sodium.from_string(DOMAIN));
  const keys = {
    lookupId: sodium.crypto_kdf_derive_from_key(32, LOOKUP_SUBKEY, CONTEXT, master),
    authKey: sodium.crypto_kdf_derive_from_key(32, AUTH_SUBKEY, CONTEXT, master),
    wrapKey: sodium.crypto_kdf_derive_from_key(32, WRAP_SUBKEY, CONTEXT, master),
  };
  sodium.memzero(master);
  return keys;
}

/** The label the identity backup is bound to (its associated data), so it opens only for this account. */
export function resumeBackupLabel(userId: string): string {
  return `resume:${userId}`;
}
