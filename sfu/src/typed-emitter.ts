import { EventEmitter } from 'node:events';

/** A listener for one event of an {@link EventMap}. */
export type Listener<Payload> = (payload: Payload) => void;

/**
 * Called when a listener throws. Owners pass their logger here: a throwing
 * listener must not abort the owner's state change half way (e.g. a room that
 * is closing its peers), so errors are reported instead of propagated.
 */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

/**
 * A minimal typed event emitter on top of `node:events`. `Events` maps each
 * event name to the single payload object its listeners receive.
 *
 * Composition rather than `extends EventEmitter`: the untyped `emit`/`on`
 * overloads of EventEmitter would otherwise leak through, and only the owner
 * (a subclass) may emit. Every event carries exactly one payload object,
 * which keeps listeners easy to type and to extend later.
 */
export class TypedEmitter<Events extends object> {
  readonly #emitter = new EventEmitter();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError?: ListenerErrorHandler) {
    // Many signalling sockets may listen to one room; the default cap of 10 would warn spuriously.
    this.#emitter.setMaxListeners(0);
    this.#onListenerError =
      onListenerError ??
      ((error, event) => {
        process.emitWarning(`listener for "${event}" threw: ${String(error)}`);
      });
  }

  /** Adds a listener. */
  on<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /** Adds a listener that is removed after its first call. */
  once<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): this {
    this.#emitter.once(event, listener);
    return this;
  }

  /** Removes a listener added with {@link on} or {@link once}. */
  off<K extends keyof Events & string>(event: K, listener: Listener<Events[K]>): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /**
   * Resolves with the next payload of `event`, like `events.once()` of node:events.
   * Pass e.g. `AbortSignal.timeout(ms)`: an owner that closes drops its
   * listeners, so without a signal the promise would stay pending forever
   * for an event that never comes.
   */
  next<K extends keyof Events & string>(event: K, signal?: AbortSignal): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.off(event, listener);
        reject(signal?.reason);
      };
      const listener: Listener<Events[K]> = (payload) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(payload);
      };
      this.once(event, listener);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Number of listeners for `event`. */
  listenerCount<K extends keyof Events & string>(event: K): number {
    return this.#emitter.listenerCount(event);
  }

  /**
   * Calls every listener of `event` in order. A throwing listener is reported
   * to the error handler and the remaining listeners still run.
   */
  protected emit<K extends keyof Events & string>(event: K, payload: Events[K]): void {
    // rawListeners() returns the once() wrappers, so calling them also unregisters them.
    const listeners = this.#emitter.rawListeners(event) as Array<(payload: Events[K]) => void>;
    for (const listener of listeners) {
      try {
        listener.call(this, payload);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  /** Drops every listener; owners call this once they are closed and will never emit again. */
  protected removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
