import type { TokenBucket } from './token-bucket.ts';

/**
 * What to do with one incoming frame:
 * - `accept`: handle it;
 * - `warn`: drop it and tell the client once (`WS_RATE_LIMITED`, with the wait until the next token);
 * - `drop`: drop it silently (the client was told; answering each dropped frame would only add
 *   output that a flooding client does not read);
 * - `close`: the client went on for another whole burst after the warning; close the connection.
 */
export type Admission = { verdict: 'accept' } | { verdict: 'warn'; retryAfterMs: number } | { verdict: 'drop' } | { verdict: 'close' };

/**
 * Rate limit of one connection's frames: its own bucket and its user's bucket (shared by the
 * user's connections on this instance) must both have a token.
 */
export class FrameAdmission {
  readonly #connection: TokenBucket;
  /** Dropped frames since the last accepted one. */
  #dropped = 0;

  constructor(connection: TokenBucket) {
    this.#connection = connection;
  }

  admit(user: TokenBucket | null): Admission {
    if (this.#connection.hasToken() && (!user || user.hasToken())) {
      this.#connection.take();
      user?.take();
      this.#dropped = 0;
      return { verdict: 'accept' };
    }
    this.#dropped += 1;
    if (this.#dropped === 1) {
      return { verdict: 'warn', retryAfterMs: Math.max(this.#connection.msUntilToken(), user?.msUntilToken() ?? 0) };
    }
    return this.#dropped > this.#connection.capacity ? { verdict: 'close' } : { verdict: 'drop' };
  }
}
