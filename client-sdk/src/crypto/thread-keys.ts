import { frame } from './encoding.ts';
import { CryptoError, CryptoFailure } from './failures.ts';
import { sodium } from './sodium.ts';

/** What a key envelope says: "the key of epoch E of thread T, for recipient R, made by C". */
export interface EnvelopeAddress {
  threadId: string;
  epoch: number;
  recipientId: string;
  creatorId: string;
}

export interface SealedEnvelope {
  sealedKey: Uint8Array;
  signature: Uint8Array;
}

/** A fresh symmetric key for one thread epoch. */
export function newEpochKey(): Uint8Array {
  return sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
}

function envelopeDigest(address: EnvelopeAddress, sealedKey: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, frame('envelope-v1', address.threadId, address.epoch, address.recipientId, address.creatorId, sealedKey), null);
}

/**
 * Seals the epoch key to the recipient (anonymous X25519 sealed box) and signs the result,
 * so that a server swapping in a key of its own is caught by the signature check.
 */
export function sealEpochKey(
  epochKey: Uint8Array,
  address: EnvelopeAddress,
  recipientBoxPublicKey: Uint8Array,
  creatorSignSecretKey: Uint8Array,
): SealedEnvelope {
  const sealedKey = sodium.crypto_box_seal(epochKey, recipientBoxPublicKey);
  const signature = sodium.crypto_sign_detached(envelopeDigest(address, sealedKey), creatorSignSecretKey);
  return { sealedKey, signature };
}

/** Verifies the creator's signature, then opens the envelope with our box key pair. */
export function openEpochKey(
  envelope: SealedEnvelope,
  address: EnvelopeAddress,
  creatorSignPublicKey: Uint8Array,
  boxPublicKey: Uint8Array,
  boxSecretKey: Uint8Array,
): Uint8Array {
  const valid = sodium.crypto_sign_verify_detached(
    envelope.signature,
    envelopeDigest(address, envelope.sealedKey),
    creatorSignPublicKey,
  );
  if (!valid) throw new CryptoError(CryptoFailure.BAD_ENVELOPE, `Envelope of epoch ${address.epoch} has a bad signature`);
  try {
    return sodium.crypto_box_seal_open(envelope.sealedKey, boxPublicKey, boxSecretKey);
  } catch {
    throw new CryptoError(CryptoFailure.DECRYPTION_FAILED, `Envelope of epoch ${address.epoch} did not open`);
  }
}
