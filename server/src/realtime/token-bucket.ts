/**
 * A token bucket: holds up to `capacity` tokens and gains `perSecond` of them continuously.
 * A frame costs one token, so a client may send a burst of `capacity` frames and then
 * `perSecond` frames per second on average.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly perSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(capacity: number, perSecond: number, now: () => number = Date.now) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.#now = now;
    this.#tokens = capacity;
    this.#updatedAt = now();
  }

  /** Whether a token is available now (nothing is taken). */
  hasToken(): boolean {
    this.#refill();
    return this.#tokens >= 1;
  }

  /** Whether the bucket has refilled completely (its owner may forget it). */
  isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.capacity;
  }

  /** Takes one token; false (and nothing taken) when the bucket is empty. */
  take(): boolean {
    if (!this.hasToken()) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token is available; 0 when one is. */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#updatedAt) * this.perSecond) / 1000);
    this.#updatedAt = now;
  }
}
