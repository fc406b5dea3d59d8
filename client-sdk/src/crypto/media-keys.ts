import { frame } from './encoding.ts';
import { CryptoError, CryptoFailure } from './failures.ts';
import { sodium } from './sodium.ts';

/**
 * Media keys of a call. Generation g's key is a keyed BLAKE2b of the thread's current epoch
 * key over (call id, g, a fresh random salt): only readers of the thread can have it, and a
 * participant who left never learns a later generation's salt, so rotation locks them out.
 */
export function deriveMediaKey(epochKey: Uint8Array, callId: string, generation: number, salt: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, frame('media-key-v1', callId, generation, salt), epochKey);
}

export function newMediaSalt(): Uint8Array {
  return sodium.randombytes_buf(32);
}

export interface MediaKeyAddress {
  callId: string;
  generation: number;
  recipientId: string;
  creatorId: string;
}

function digest(address: MediaKeyAddress, sealedKey: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(
    32,
    frame('media-envelope-v1', address.callId, address.generation, address.recipientId, address.creatorId, sealedKey),
    null,
  );
}

/** Seals a media key to one participant and signs it (the relay cannot substitute its own). */
export function sealMediaKey(
  mediaKey: Uint8Array,
  address: MediaKeyAddress,
  recipientBoxPublicKey: Uint8Array,
  creatorSignSecretKey: Uint8Array,
): { sealedKey: Uint8Array; signature: Uint8Array } {
  const sealedKey = sodium.crypto_box_seal(mediaKey, recipientBoxPublicKey);
  return { sealedKey, signature: sodium.crypto_sign_detached(digest(address, sealedKey), creatorSignSecretKey) };
}

export function openMediaKey(
  envelope: { sealedKey: Uint8Array; signature: Uint8Array },
  address: MediaKeyAddress,
  creatorSignPublicKey: Uint8Array,
  boxPublicKey: Uint8Array,
  boxSecretKey: Uint8Array,
): Uint8Array {
  if (!sodium.crypto_sign_verify_detached(envelope.signature, digest(address, envelope.sealedKey), creatorSignPublicKey)) {
    throw new CryptoError(CryptoFailure.BAD_ENVELOPE, 'Media key envelope has a bad signature');
  }
  try {
    return sodium.crypto_box_seal_open(envelope.sealedKey, boxPublicKey, boxSecretKey);
  } catch {
    throw new CryptoError(CryptoFailure.DECRYPTION_FAILED, 'Media key envelope did not open');
  }
}
