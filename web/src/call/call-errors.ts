import { CallError, CryptoError, CryptoFailure } from '@counsel/client-sdk/browser';
import { t } from '../i18n/i18n.ts';
import { errorMessage } from '../ui/errors.ts';

/** Call signalling codes (server/src/errors.ts) that a person can act on. */
const CALL_CODES: Record<string, string> = {
  VIDEO_UNAVAILABLE: 'call:errors.videoUnavailable',
  CALL_FORBIDDEN: 'call:errors.forbidden',
  CALL_INVITEE_NOT_ALLOWED: 'call:errors.inviteeNotAllowed',
  CALL_NOT_FOUND: 'call:errors.notFound',
  TIMEOUT: 'call:errors.timeout',
};

/** The frame-encryption worker did not start: no media flows (fail closed). */
export class EncryptionWorkerFailed extends Error {
  constructor() {
    super('The frame-encryption worker failed');
    this.name = 'EncryptionWorkerFailed';
  }
}

/** A sentence for a failed call step; everything unknown falls back to the app's general messages. */
export function callErrorMessage(error: unknown): string {
  if (error instanceof EncryptionWorkerFailed) return t('call:errors.encryptionWorker');
  if (error instanceof CallError) return t(CALL_CODES[error.code] ?? 'call:errors.generic');
  if (error instanceof CryptoError) {
    return t(error.failure === CryptoFailure.ENCRYPTION_UNAVAILABLE ? 'call:errors.noEncryption' : 'call:errors.crypto');
  }
  return errorMessage(error);
}
