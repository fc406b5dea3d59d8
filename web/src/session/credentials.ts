/**
 * The rules a new password and username must meet, checked before the (slow) key derivation
 * runs so that a typo costs nothing. The username rule mirrors the server's schema. Staff
 * accounts open many people's cases, so their passwords are longer.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MIN_SEEKER_PASSWORD_LENGTH = 8;

const USERNAME = /^[A-Za-z0-9._-]{3,64}$/;

export type CredentialProblem = 'usernameInvalid' | 'passwordTooShort' | 'passwordMismatch';

export function credentialProblem(username: string, password: string, repeat: string): CredentialProblem | null {
  if (!USERNAME.test(username)) return 'usernameInvalid';
  if (password.length < MIN_PASSWORD_LENGTH) return 'passwordTooShort';
  if (password !== repeat) return 'passwordMismatch';
  return null;
}
