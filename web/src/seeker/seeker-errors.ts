import type { TFunction } from 'i18next';
import { errorCode, errorMessage } from '../ui/errors.ts';

/** Server codes a seeker can act on get their own sentence; everything else the app-wide one. */
const EXPLAINED: Record<string, string> = {
  USERNAME_TAKEN: 'errors.usernameTaken',
  LINK_CODE_INVALID: 'errors.linkInvalid',
  AGENCY_NOT_SERVING_TOPIC: 'errors.topicNotServed',
  AGENCY_HAS_NO_COUNSELLORS: 'errors.agencyUnavailable',
  RESUME_CODE_INVALID: 'errors.resumeCodeInvalid',
  RESUME_CODE_ANONYMOUS_ONLY: 'errors.resumeCodeAnonymousOnly',
  ACCOUNT_NOT_DELETABLE: 'errors.accountNotDeletable',
};

export function seekerError(error: unknown, t: TFunction): string {
  const key = EXPLAINED[errorCode(error) ?? ''];
  return key ? t(key) : errorMessage(error);
}
