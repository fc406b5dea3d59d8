import { ApiError, CryptoError } from '@counsel/client-sdk/browser';
import { t } from '../i18n/i18n.ts';

/**
 * A user-facing sentence for any failure. Screens may first check `error.code` for cases they
 * explain better themselves (e.g. THREAD_ALREADY_CLAIMED); everything else lands here.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401 && error.code === 'AUTH_REQUIRED') return t('common:errors.sessionExpired');
    if (error.status === 429) return t('common:errors.rateLimited');
    if (error.code === 'VALIDATION_FAILED') return t('common:errors.validation');
    if (error.status === 404) return t('common:errors.notFound');
    return t('common:errors.generic');
  }
  if (error instanceof CryptoError) return t('common:errors.crypto');
  if (error instanceof TypeError) return t('common:errors.network');
  return t('common:errors.generic');
}

export function errorCode(error: unknown): string | null {
  return error instanceof ApiError ? error.code : null;
}
