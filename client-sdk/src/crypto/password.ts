import { sodium } from './sodium.ts';

/** Argon2id cost parameters, stored beside the salt so that any client can re-derive. */
export interface KdfParams {
  salt: Uint8Array;
  opsLimit: number;
  memLimit: number;
}

/** The two halves of a password: one proves who we are, the other never leaves the client. */
export interface PasswordKeys {
  /** Sent to the server at login; the server hashes it again. */
  authKey: Uint8Array;
  /** Wraps the private-key backup; never sent anywhere. */
  wrapKey: Uint8Array;
}

export type KdfProfile = 'interactive' | 'moderate' | 'minimum';

/** Fresh parameters for a new account. `minimum` exists for tests and benchmarks only. */
export function newKdfParams(profile: KdfProfile = 'interactive'): KdfParams {
  const limits = {
    interactive: [sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE, sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE],
    moderate: [sodium.crypto_pwhash_OPSLIMIT_MODERATE, sodium.crypto_pwhash_MEMLIMIT_MODERATE],
    minimum: [sodium.crypto_pwhash_OPSLIMIT_MIN, sodium.crypto_pwhash_MEMLIMIT_MIN],
  }[profile] as [number, number];
  return { salt: sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES), opsLimit: limits[0], memLimit: limits[1] };
}

const SPLIT_CONTEXT = 'pwsplit_';
const AUTH_SUBKEY = 1;
const WRAP_SUBKEY = 2;

/**
 * Argon2id over the password, then two independent BLAKE2b subkeys. Knowing the auth key
 * (what the server sees) tells nothing about the wrap key.
 */
export function derivePasswordKeys(password: string, params: KdfParams): PasswordKeys {
  const master = sodium.crypto_pwhash(
    32,
    password,
    params.salt,
    params.opsLimit,
    params.memLimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  const keys = {
    authKey: sodium.crypto_kdf_derive_from_key(32, AUTH_SUBKEY, SPLIT_CONTEXT, master),
    wrapKey: sodium.crypto_kdf_derive_from_key(32, WRAP_SUBKEY, SPLIT_CONTEXT, master),
  };
  sodium.memzero(master);
  return keys;
}
