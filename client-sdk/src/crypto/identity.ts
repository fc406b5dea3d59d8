import { frame } from './encoding.ts';
import { CryptoError, CryptoFailure } from './failures.ts';
import { sodium } from './sodium.ts';

/** A user's long-term keys: Ed25519 to sign, X25519 to receive sealed epoch keys. */
export interface Identity {
  signPublicKey: Uint8Array;
  signSecretKey: Uint8Array;
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
}

/** The public half that the server stores and hands to peers. */
export interface PublicIdentity {
  signPublicKey: Uint8Array;
  boxPublicKey: Uint8Array;
}

/** The private keys, wrapped by the password-derived key. */
export interface KeyBackup {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

export function generateIdentity(): Identity {
  const sign = sodium.crypto_sign_keypair();
  const box = sodium.crypto_box_keypair();
  return {
    signPublicKey: sign.publicKey,
    signSecretKey: sign.privateKey,
    boxPublicKey: box.publicKey,
    boxSecretKey: box.privateKey,
  };
}

export function publicIdentity(identity: Identity): PublicIdentity {
  return { signPublicKey: identity.signPublicKey, boxPublicKey: identity.boxPublicKey };
}

// Binding the backup to the username stops a server from serving one user's backup to another.
function backupAd(username: string): Uint8Array {
  return frame('key-backup-v1', username.toLowerCase());
}

/** XChaCha20-Poly1305 over both secret keys. */
export function wrapIdentity(identity: Identity, wrapKey: Uint8Array, username: string): KeyBackup {
  const plaintext = new Uint8Array(identity.signSecretKey.length + identity.boxSecretKey.length);
  plaintext.set(identity.signSecretKey, 0);
  plaintext.set(identity.boxSecretKey, identity.signSecretKey.length);
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, backupAd(username), null, nonce, wrapKey);
  sodium.memzero(plaintext);
  return { nonce, ciphertext };
}

/** Opens a backup; the public keys are recomputed from the secrets, never trusted from the server. */
export function unwrapIdentity(backup: KeyBackup, wrapKey: Uint8Array, username: string): Identity {
  let plaintext: Uint8Array;
  try {
    plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, backup.ciphertext, backupAd(username), backup.nonce, wrapKey);
  } catch {
    throw new CryptoError(CryptoFailure.BACKUP_LOCKED, 'The key backup could not be opened');
  }
  const signLength = sodium.crypto_sign_SECRETKEYBYTES;
  return identityFromSecrets(plaintext.slice(0, signLength), plaintext.slice(signLength));
}

/** Rebuilds a full identity from the two secret keys. */
export function identityFromSecrets(signSecretKey: Uint8Array, boxSecretKey: Uint8Array): Identity {
  return {
    signSecretKey,
    signPublicKey: sodium.crypto_sign_ed25519_sk_to_pk(signSecretKey),
    boxSecretKey,
    boxPublicKey: sodium.crypto_scalarmult_base(boxSecretKey),
  };
}
