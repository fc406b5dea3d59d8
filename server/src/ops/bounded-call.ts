/** What a bounded call gave: its value, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'error' };

/**
 * Runs a dependency call (a database ping, a count) for probes and scrapes, which must answer
 * even when the dependency hangs. Callers share the one call in flight, so a frozen database
 * holds at most one pool connection however often it is probed, and each caller stops waiting
 * after `timeoutMs` (the call itself cannot be cancelled; it is shared until it settles).
 */
export class BoundedCall<T> {
  readonly #call: () => Promise<T>;
  readonly #timeoutMs: number;
  #inflight: Promise<T> | null = null;

  constructor(call: () => Promise<T>, timeoutMs: number) {
    this.#call = call;
    this.#timeoutMs = timeoutMs;
  }

  async run(): Promise<Outcome<T>> {
    if (!this.#inflight) {
      const started = Promise.resolve().then(this.#call);
      this.#inflight = started;
      const clear = () => {
        if (this.#inflight === started) this.#inflight = null;
      };
      started.then(clear, clear);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome<T>>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), this.#timeoutMs);
    });
    try {
      return await Promise.race([
        this.#inflight.then(
          (value): Outcome<T> => ({ ok: true, value }),
          (): Outcome<T> => ({ ok: false, reason: 'error' }),
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
