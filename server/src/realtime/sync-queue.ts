/**
 * One connection's catch-up requests (`sync`), run one at a time so that a client cannot start
 * any number of history reads at once. A request for a thread that is already waiting merges
 * into it (from the lower position, which covers both); a request for the thread being sent
 * right now waits behind it.
 */
export class SyncQueue {
  readonly #run: (threadId: string, afterSeq: number) => Promise<void>;
  /** Thread id → lowest requested position, in request order. */
  readonly #waiting = new Map<string, number>();
  #running = false;
  #stopped = false;

  /** `run` streams one thread's catch-up and reports its own errors; it must not reject. */
  constructor(run: (threadId: string, afterSeq: number) => Promise<void>) {
    this.#run = run;
  }

  request(threadId: string, afterSeq: number): void {
    if (this.#stopped) return;
    const waiting = this.#waiting.get(threadId);
    this.#waiting.set(threadId, waiting === undefined ? afterSeq : Math.min(waiting, afterSeq));
    if (!this.#running) void this.#drain();
  }

  /** Drops what is waiting; the running catch-up stops at its next page (its socket is gone). */
  stop(): void {
    this.#stopped = true;
    this.#waiting.clear();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (const [threadId, afterSeq] of this.#waiting) {
        this.#waiting.delete(threadId);
        await this.#run(threadId, afterSeq);
        if (this.#stopped) return;
      }
    } finally {
      this.#running = false;
    }
  }
}
