import type { WebSocket } from 'ws';

export interface SendPressureOptions {
  /** Above this many bytes waiting in the send buffer the connection counts as congested. */
  boundBytes: number;
  /** A congested connection whose buffer has not shrunk for this long is stalled. */
  stallMs: number;
  /** Called once when the connection stalls or its buffer reaches the hard cap. */
  onStalled: () => void;
}

/** The hard cap, as a multiple of the bound: live frames may still be queued above the bound, up to here. */
export const HARD_CAP_FACTOR = 4;
const POLL_MS = 50;

/**
 * Back-pressure for one socket. While more than `boundBytes` wait to be sent, the server stops
 * reading the client's frames (so it cannot ask for more) and catch-up pauses between pages
 * (`writable()`); it resumes when the client has read enough. A client that reads nothing for
 * `stallMs`, or lets the buffer reach the hard cap, is reported as stalled.
 */
export class SendPressure {
  readonly #socket: WebSocket;
  readonly #options: SendPressureOptions;
  #timer: NodeJS.Timeout | null = null;
  #waiters: Array<(writable: boolean) => void> = [];
  #lowest = 0;
  #progressAt = 0;
  #stalled = false;

  constructor(socket: WebSocket, options: SendPressureOptions) {
    this.#socket = socket;
    this.#options = options;
  }

  /** To be called after every send. */
  check(): void {
    if (this.#stalled) return;
    const buffered = this.#socket.bufferedAmount;
    if (buffered >= this.#options.boundBytes * HARD_CAP_FACTOR) return this.#stall();
    if (buffered > this.#options.boundBytes && !this.#timer) this.#congest(buffered);
  }

  /** Resolves true once the buffer is below the bound (at once when it is); false when the socket is closing or stalled. */
  writable(): Promise<boolean> {
    if (this.#stalled || this.#socket.readyState !== this.#socket.OPEN) return Promise.resolve(false);
    if (!this.#timer) return Promise.resolve(true);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  dispose(): void {
    this.#release(false);
  }

  #congest(buffered: number): void {
    this.#socket.pause();
    this.#lowest = buffered;
    this.#progressAt = Date.now();
    this.#timer = setInterval(() => this.#poll(), POLL_MS);
    this.#timer.unref();
  }

  #poll(): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return this.#release(false);
    const buffered = this.#socket.bufferedAmount;
    if (buffered <= this.#options.boundBytes) {
      this.#socket.resume();
      return this.#release(true);
    }
    if (buffered < this.#lowest) {
      this.#lowest = buffered;
      this.#progressAt = Date.now();
    } else if (Date.now() - this.#progressAt >= this.#options.stallMs) {
      this.#stall();
    }
  }

  #stall(): void {
    this.#stalled = true;
    this.#release(false);
    this.#options.onStalled();
  }

  #release(writable: boolean): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(writable);
  }
}
