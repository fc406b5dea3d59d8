import { ApiError } from './transport/http.ts';

/** How often, and how patiently, an idempotent request is repeated after a transient failure. */
export interface RetryPolicy {
  /** Total tries, the first included (default 5). */
  attempts: number;
  /** Upper bound of the first wait; doubles per retry (default 250 ms). */
  baseDelayMs: number;
  /** Cap of the doubling (default 8 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8000 };

/**
 * Wait before retry number `retry` (1 = first retry): exponential backoff with full jitter,
 * uniform in [0, min(max, base·2^(retry−1))). Jitter spreads clients that failed together (a
 * restarted server) so they do not all come back in the same instant.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Failures worth repeating: the request may not have arrived, or the server or a proxy was briefly away. */
export function isTransient(error: unknown): boolean {
  // fetch rejects with a TypeError when the network fails (reset, refused, DNS, offline).
  if (error instanceof TypeError) return true;
  return error instanceof ApiError && [502, 503, 504].includes(error.status);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, fails permanently, or the attempts are used up. Only for
 * idempotent operations: the same request must be safe to send twice.
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransient(error) || attempt >= policy.attempts) throw error;
      await wait(backoffDelay(attempt, policy));
    }
  }
}
