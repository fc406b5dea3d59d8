import type { MessageView } from '../api-types.ts';
import { WS_CLOSE_AUTH, WS_CLOSE_LIMITED, WS_CLOSE_SLOW_CONSUMER } from '../contract/close-codes.ts';
import type { ClientFrame, ServerFrame } from '../contract/realtime.ts';
import { ApiError } from './http.ts';

/** The WebSocket constructor to use: the browser's, or `ws` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/**
 * The server refused the token (bad, expired, or revoked by a logout or account deletion).
 * Emitted once; the connection is closed for good and does not reconnect. Open a new one with
 * a valid token.
 */
export interface AuthFailedEvent {
  type: 'auth.failed';
  /** The server's error code, normally `AUTH_REQUIRED`. */
  code: string;
  message: string;
}

/** Server frames for listeners, plus the client-side `auth.failed` event. */
export type RealtimeEvent = Exclude<ServerFrame, { type: 'message' | 'pong' | 'synced' }> | AuthFailedEvent;

interface ThreadPosition {
  lastSeq: number;
  pending: Map<number, MessageView>;
  /** A `sync` for it is on the way (answered by `synced` or an error naming the thread). */
  syncing: boolean;
  /** It needs a `sync` that has not been sent yet (see MAX_SYNCS_IN_FLIGHT). */
  wanted: boolean;
}

/**
 * Catch-up requests in flight at once. The server answers them one after the other and limits
 * the frames a connection may send, so a client tracking many threads asks a few at a time.
 */
const MAX_SYNCS_IN_FLIGHT = 4;
/** The least pause before reconnecting after the server closed the connection for a limit. */
const LIMITED_RECONNECT_MS = 1_000;

export interface RealtimeOptions {
  url: string;
  token: string;
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay; doubles up to 2 s. */
  reconnectDelayMs?: number;
}

/**
 * A self-healing WebSocket. Messages come out exactly once and in per-thread sequence order:
 * duplicates are dropped, gaps are filled with a `sync` request, and after every (re)connect
 * each tracked thread catches up from its last seen position.
 */
export class RealtimeConnection {
  readonly #options: RealtimeOptions;
  readonly #positions = new Map<string, ThreadPosition>();
  readonly #messageListeners = new Set<(message: MessageView) => void>();
  readonly #eventListeners = new Set<(event: RealtimeEvent) => void>();
  #socket: WebSocketLike | null = null;
  #closed = false;
  #delay: number;
  #ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (error: ApiError) => void;
  /** The last error frame, which names the reason of an auth close. */
  #lastError: { code: string; message: string; retryAfterMs?: number } | null = null;
  /** No `sync` is sent before this time (the server said WS_RATE_LIMITED). */
  #syncPausedUntil = 0;
  #syncTimer: ReturnType<typeof setTimeout> | null = null;
  /** After a `WS_RATE_LIMITED` on this connection: at most one `sync` per this many ms (0: no pacing). */
  #syncSpacingMs = 0;
  #authFailure: ApiError | null = null;

  constructor(options: RealtimeOptions) {
    this.#options = options;
    this.#delay = options.reconnectDelayMs ?? 100;
    this.#ready = this.#newReady();
    this.#open();
  }

  /**
   * Resolves when the server has accepted the token (again, after a reconnect). Rejects with
   * `ApiError(401, 'AUTH_REQUIRED')` (or the server's code) when the token is refused; the
   * connection then stops reconnecting and also emits an `auth.failed` event.
   */
  ready(): Promise<void> {
    return this.#authFailure ? Promise.reject(this.#authFailure) : this.#ready;
  }

  /** Follows a thread from a known position; everything after it will be delivered. */
  track(threadId: string, lastSeq: number): void {
    const existing = this.#positions.get(threadId);
    if (existing && existing.lastSeq >= lastSeq) return;
    this.#positions.set(threadId, { lastSeq, pending: existing?.pending ?? new Map(), syncing: existing?.syncing ?? false, wanted: false });
    this.#sendSync(threadId);
  }

  position(threadId: string): number | null {
    return this.#positions.get(threadId)?.lastSeq ?? null;
  }

  onMessage(listener: (message: MessageView) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onEvent(listener: (event: RealtimeEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  send(frame: ClientFrame): void {
    if (this.#socket?.readyState === 1) this.#socket.send(JSON.stringify(frame));
  }

  /** Drops the current socket as a network failure would; the connection heals itself. */
  interrupt(): void {
    this.#socket?.close(4000, 'interrupted');
  }

  close(): void {
    this.#closed = true;
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#socket?.close(1000, 'closed');
  }

  #newReady(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // Nobody may be waiting when the token is refused; that must not be an unhandled rejection.
    ready.catch(() => {});
    return ready;
  }

  #open(): void {
    const Impl = this.#options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Impl) throw new Error('No WebSocket implementation: pass options.WebSocket');
    const socket = new Impl(this.#options.url);
    this.#socket = socket;
    this.#lastError = null;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: this.#options.token } satisfies ClientFrame));
    socket.onmessage = (event) => this.#onFrame(JSON.parse(String(event.data)) as ServerFrame);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#closed) return;
      // A refused token is final; an auth timeout (e.g. a slow server) is retried like any drop.
      const refused = (event as { code?: unknown } | null)?.code === WS_CLOSE_AUTH && this.#lastError?.code !== 'WS_AUTH_TIMEOUT';
      if (refused) return this.#failAuth();
      this.#ready = this.#newReady();
      setTimeout(() => this.#open(), this.#reconnectDelay((event as { code?: unknown } | null)?.code));
      this.#delay = Math.min(this.#delay * 2, 2000);
    };
  }

  /** After a close for a limit (4429, 4408) at least the server's hint, else the backoff. */
  #reconnectDelay(code: unknown): number {
    if (code !== WS_CLOSE_LIMITED && code !== WS_CLOSE_SLOW_CONSUMER) return this.#delay;
    return Math.max(this.#delay, this.#lastError?.retryAfterMs ?? LIMITED_RECONNECT_MS);
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ready':
        this.#delay = this.#options.reconnectDelayMs ?? 100;
        this.#syncSpacingMs = 0;
        this.#catchUpAll();
        this.#resolveReady();
        return;
      case 'message':
        return this.#incoming(frame.threadId, frame.message);
      case 'synced': {
        const position = this.#positions.get(frame.threadId);
        if (!position) return;
        // Also settles a request that a rate limit made look lost: this answer covers it.
        position.syncing = false;
        position.wanted = false;
        this.#drain(frame.threadId, position);
        this.#pumpSyncs();
        return;
      }
      case 'resync':
        this.#catchUpAll();
        break;
      case 'error':
        this.#lastError = { code: frame.code, message: frame.message, ...(frame.retryAfterMs === undefined ? {} : { retryAfterMs: frame.retryAfterMs }) };
        this.#syncRefused(frame);
        break;
      case 'pong':
        return;
    }
    for (const listener of this.#eventListeners) listener(frame);
  }

  /** The token was refused: reject waiters, tell listeners once, and never reconnect with it. */
  #failAuth(): void {
    const named = this.#lastError?.code.startsWith('AUTH_') ? this.#lastError : null;
    const reason = named ?? { code: 'AUTH_REQUIRED', message: 'The token was refused' };
    this.#closed = true;
    this.#authFailure = new ApiError(401, reason.code, reason.message);
    this.#rejectReady(this.#authFailure);
    for (const listener of this.#eventListeners) listener({ type: 'auth.failed', ...reason });
  }

  #catchUpAll(): void {
    for (const position of this.#positions.values()) {
      position.syncing = false;
      position.wanted = true;
    }
    this.#pumpSyncs();
  }

  /**
   * A refused `sync`: one naming its thread is settled (e.g. THREAD_NOT_FOUND); after
   * `WS_RATE_LIMITED` the server dropped frames without saying which, so every catch-up in
   * flight without an answer yet is asked again, spaced by the server's wait from then on.
   */
  #syncRefused(frame: Extract<ServerFrame, { type: 'error' }>): void {
    if (frame.code === 'WS_RATE_LIMITED') {
      for (const position of this.#positions.values()) {
        if (!position.syncing) continue;
        position.syncing = false;
        position.wanted = true;
      }
      const wait = frame.retryAfterMs ?? LIMITED_RECONNECT_MS;
      this.#syncPausedUntil = Date.now() + wait;
      this.#syncSpacingMs = Math.max(this.#syncSpacingMs, wait);
    } else if (frame.threadId) {
      const position = this.#positions.get(frame.threadId);
      if (position) position.syncing = false;
    } else {
      return;
    }
    this.#pumpSyncs();
  }

  #sendSync(threadId: string): void {
    const position = this.#positions.get(threadId);
    if (!position || position.syncing) return;
    position.wanted = true;
    this.#pumpSyncs();
  }

  /** Sends wanted catch-ups: a few at a time, not while the server asked to wait, and spaced once it limited us. */
  #pumpSyncs(): void {
    if (this.#socket?.readyState !== 1 || this.#syncTimer) return;
    const wait = this.#syncPausedUntil - Date.now();
    if (wait > 0) {
      this.#syncTimer = setTimeout(() => {
        this.#syncTimer = null;
        this.#pumpSyncs();
      }, wait);
      return;
    }
    let inFlight = 0;
    for (const position of this.#positions.values()) if (position.syncing) inFlight += 1;
    for (const [threadId, position] of this.#positions) {
      if (inFlight >= MAX_SYNCS_IN_FLIGHT) return;
      if (!position.wanted || position.syncing) continue;
      position.wanted = false;
      position.syncing = true;
      inFlight += 1;
      this.send({ type: 'sync', threadId, afterSeq: position.lastSeq });
      if (this.#syncSpacingMs > 0) {
        this.#syncPausedUntil = Date.now() + this.#syncSpacingMs;
        return this.#pumpSyncs();
      }
    }
  }

  #incoming(threadId: string, message: MessageView): void {
    let position = this.#positions.get(threadId);
    if (!position) {
      // A thread seen for the first time live: follow it from here on.
      position = { lastSeq: message.seq - 1, pending: new Map(), syncing: false, wanted: false };
      this.#positions.set(threadId, position);
    }
    if (message.seq <= position.lastSeq) return;
    position.pending.set(message.seq, message);
    this.#drain(threadId, position);
  }

  #drain(threadId: string, position: ThreadPosition): void {
    for (;;) {
      const next = position.pending.get(position.lastSeq + 1);
      if (!next) break;
      position.pending.delete(next.seq);
      position.lastSeq = next.seq;
      for (const listener of this.#messageListeners) listener(next);
    }
    for (const seq of position.pending.keys()) if (seq <= position.lastSeq) position.pending.delete(seq);
    // Something newer arrived but its predecessors did not: ask for the gap.
    if (position.pending.size > 0) this.#sendSync(threadId);
  }
}
