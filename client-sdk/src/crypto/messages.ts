import { frame } from './encoding.ts';
import { CryptoError, CryptoFailure } from './failures.ts';
import { sodium } from './sodium.ts';

/** Everything a message is bound to besides its text; a change to any field breaks it. */
export interface MessageContext {
  threadId: string;
  epoch: number;
  senderId: string;
  clientMessageId: string;
}

export interface EncryptedMessage {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

function associatedData(context: MessageContext): Uint8Array {
  return frame('message-v1', context.threadId, context.epoch, context.senderId, context.clientMessageId);
}

function signedDigest(context: MessageContext, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, frame(associatedData(context), nonce, ciphertext), null);
}

/**
 * XChaCha20-Poly1305 under the epoch key, then an Ed25519 signature by the sender. The AEAD
 * keeps outsiders out; the signature stops co-readers (e.g. the team) from forging a sender.
 */
export function encryptMessage(
  plaintext: Uint8Array,
  context: MessageContext,
  epochKey: Uint8Array,
  signSecretKey: Uint8Array,
): EncryptedMessage {
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData(context), null, nonce, epochKey);
  const signature = sodium.crypto_sign_detached(signedDigest(context, nonce, ciphertext), signSecretKey);
  return { nonce, ciphertext, signature };
}

/** Verifies the sender's signature first, then decrypts. Throws {@link CryptoError}. */
export function decryptMessage(
  message: EncryptedMessage,
  context: MessageContext,
  epochKey: Uint8Array,
  senderSignPublicKey: Uint8Array,
): Uint8Array {
  const digest = signedDigest(context, message.nonce, message.ciphertext);
  if (!sodium.crypto_sign_verify_detached(message.signature, digest, senderSignPublicKey)) {
    throw new CryptoError(CryptoFailure.BAD_SIGNATURE, 'Message signature does not match its sender');
  }
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, message.ciphertext, associatedData(context), message.nonce, epochKey);
  } catch {
    throw new CryptoError(CryptoFailure.DECRYPTION_FAILED, 'Message did not decrypt');
  }
}
