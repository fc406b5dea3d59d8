/** Why a piece of content could not be opened or sent. Stable values, safe to show or log. */
export enum CryptoFailure {
  /** The Ed25519 signature does not match the claimed sender's pinned key. */
  BAD_SIGNATURE = 'crypto.badSignature',
  /** No envelope for this epoch is addressed to us (we were not a reader then). */
  UNKNOWN_EPOCH = 'crypto.unknownEpoch',
  /** A peer's identity key differs from the pinned one; accept it explicitly to go on. */
  IDENTITY_KEY_CHANGED = 'crypto.identityKeyChanged',
  /** Authenticated decryption failed: wrong key or tampered ciphertext. */
  DECRYPTION_FAILED = 'crypto.decryptionFailed',
  /** The private-key backup did not open: wrong password or tampered backup. */
  BACKUP_LOCKED = 'crypto.backupLocked',
  /** The sender is not known to the thread, so their signature cannot be checked. */
  UNKNOWN_SENDER = 'crypto.unknownSender',
  /** A key envelope was not signed by a legitimate participant. */
  BAD_ENVELOPE = 'crypto.badEnvelope',
  /** Encryption was impossible, so nothing was sent (fail closed). */
  ENCRYPTION_UNAVAILABLE = 'crypto.encryptionUnavailable',
}

/** Raised by the crypto layer; `failure` tells why. */
export class CryptoError extends Error {
  constructor(readonly failure: CryptoFailure, message: string) {
    super(message);
    this.name = 'CryptoError';
  }
}
