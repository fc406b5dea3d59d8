import { CryptoError, type CryptoFailure } from '../src/crypto/failures.ts';

/** The failure code a crypto call throws, or null when it succeeds (or throws something else). */
export function failureOf(fn: () => unknown): CryptoFailure | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof CryptoError ? error.failure : null;
  }
}
