import { CryptoError, CryptoFailure } from '../crypto/failures.ts';
import type { WorkerStats } from './e2ee-worker.ts';

/**
 * Browser-side frame encryption: which API is available, attaching a transform to each RTP
 * sender and receiver, and installing media keys in the worker that does the cryptography.
 *
 * Two APIs, tried in this order:
 * - `'script-transform'`: the standard `RTCRtpScriptTransform` (Chromium ≥ 141, Safari ≥ 15.4,
 *   Firefox ≥ 117). `sender.transform = new RTCRtpScriptTransform(worker, { side, kind })`; can be
 *   set at any time, the worker gets an `rtctransform` event.
 * - `'encoded-streams'`: the older Chromium-only `createEncodedStreams()`. The RTCPeerConnection
 *   must be created with `{ encodedInsertableStreams: true }`, and the streams must be created
 *   synchronously when the sender/receiver is created (otherwise Chromium short-circuits the
 *   transform); the streams are transferred to the worker.
 *
 * Neither: {@link requireFrameEncryption} throws `ENCRYPTION_UNAVAILABLE` — the participant is
 * told and cannot join an encrypted call (fail closed; media is never sent unencrypted).
 */
export type FrameEncryptionMode = 'script-transform' | 'encoded-streams';

type Kind = 'audio' | 'video';

interface EncodedStreams {
  readable: ReadableStream;
  writable: WritableStream;
}

type WithEncodedStreams<T> = T & { createEncodedStreams?: () => EncodedStreams };

interface ScriptTransformCtor {
  new (worker: Worker, options?: unknown, transfer?: unknown[]): unknown;
}

function globals(): {
  RTCRtpScriptTransform?: ScriptTransformCtor;
  RTCRtpSender?: { prototype: WithEncodedStreams<object> };
  RTCRtpReceiver?: { prototype: WithEncodedStreams<object> };
  Worker?: unknown;
} {
  return globalThis as never;
}

/** Which frame-encryption API this browser offers, or null (no encrypted calls possible). */
export function frameEncryptionSupport(): FrameEncryptionMode | null {
  const g = globals();
  if (typeof g.Worker !== 'function') return null;
  if (typeof g.RTCRtpScriptTransform === 'function') return 'script-transform';
  if (
    typeof g.RTCRtpSender?.prototype.createEncodedStreams === 'function' &&
    typeof g.RTCRtpReceiver?.prototype.createEncodedStreams === 'function'
  ) {
    return 'encoded-streams';
  }
  return null;
}

/** The mode to use (`preferred` if available); throws ENCRYPTION_UNAVAILABLE when there is none. */
export function requireFrameEncryption(preferred?: FrameEncryptionMode): FrameEncryptionMode {
  const detected = frameEncryptionSupport();
  if (detected === null) {
    throw new CryptoError(
      CryptoFailure.ENCRYPTION_UNAVAILABLE,
      'This browser cannot encrypt call media end to end (no RTCRtpScriptTransform or encoded streams)',
    );
  }
  if (preferred === undefined || preferred === detected) return detected;
  // Chromium has both; the fallback can be chosen explicitly (tests of that path).
  if (preferred === 'encoded-streams' && typeof globals().RTCRtpSender?.prototype.createEncodedStreams === 'function') {
    return preferred;
  }
  throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, `Frame encryption mode ${preferred} is not available here`);
}

/** RTCPeerConnection settings a mode needs (pass as mediasoup-client `additionalSettings`). */
export function peerConnectionSettings(mode: FrameEncryptionMode): Partial<RTCConfiguration> {
  return mode === 'encoded-streams' ? ({ encodedInsertableStreams: true } as Partial<RTCConfiguration>) : {};
}

export interface FrameCryptoOptions {
  /**
   * The worker script (the bundle `.cache/browser/e2ee-worker.js`): a same-origin URL or a Blob
   * URL made from its text (see {@link workerUrlFromSource}). Alternatively pass `worker`.
   */
  workerUrl?: string | URL;
  worker?: Worker;
  mode?: FrameEncryptionMode;
}

/** A Blob URL for the worker bundle's source text (avoids a same-origin script URL). */
export function workerUrlFromSource(source: string): string {
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}

/**
 * One call's frame encryption: a dedicated worker shared by all its senders and receivers,
 * holding the media keys by generation.
 */
export class FrameCrypto {
  readonly mode: FrameEncryptionMode;
  readonly #worker: Worker;
  readonly #pending = new Map<number, (stats: WorkerStats) => void>();
  readonly #errors: string[] = [];
  #counter = 0;
  #closed = false;

  /** @throws CryptoError ENCRYPTION_UNAVAILABLE without a frame-encryption API or worker. */
  constructor(options: FrameCryptoOptions) {
    this.mode = requireFrameEncryption(options.mode);
    if (options.worker) this.#worker = options.worker;
    else if (options.workerUrl) this.#worker = new Worker(options.workerUrl, { name: 'counsel-e2ee' });
    else throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, 'No frame-encryption worker was given');
    this.#worker.onmessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; id?: number; stats?: WorkerStats; message?: string };
      if (data.type === 'stats' && typeof data.id === 'number') {
        this.#pending.get(data.id)?.(data.stats as WorkerStats);
        this.#pending.delete(data.id);
      } else if (data.type === 'error' && data.message) {
        if (this.#errors.length < 50) this.#errors.push(data.message);
      }
    };
    this.#worker.onerror = (event) => {
      if (this.#errors.length < 50) this.#errors.push(`worker error: ${event.message}`);
    };
  }

  /** Errors the worker reported (bounded), for diagnostics. */
  get errors(): readonly string[] {
    return this.#errors;
  }

  /**
   * Routes a sender's frames through the worker. Call it synchronously when the sender is
   * created (mediasoup-client `onRtpSender`), before any media flows.
   */
  attachSender(sender: RTCRtpSender, kind: Kind): void {
    this.#attach(sender as WithEncodedStreams<RTCRtpSender>, 'send', kind);
  }

  /** Routes a receiver's frames through the worker (mediasoup-client `onRtpReceiver`). */
  attachReceiver(receiver: RTCRtpReceiver, kind: Kind): void {
    this.#attach(receiver as WithEncodedStreams<RTCRtpReceiver>, 'recv', kind);
  }

  /** Installs a media key; `current` makes it the one senders use from now on. */
  setKey(generation: number, key: Uint8Array, current: boolean): void {
    if (this.#closed) return;
    // A copy is posted, so the caller may wipe its own.
    this.#worker.postMessage({ type: 'key', generation, key: key.slice(), current });
  }

  setCurrent(generation: number): void {
    this.#worker.postMessage({ type: 'current', generation });
  }

  /** The worker's frame counters. */
  stats(timeoutMs = 2_000): Promise<WorkerStats> {
    this.#counter += 1;
    const id = this.#counter;
    return new Promise<WorkerStats>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error('frame-encryption worker did not answer'));
      }, timeoutMs);
      this.#pending.set(id, (stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      this.#worker.postMessage({ type: 'stats', id });
    });
  }

  /** Wipes the keys and stops the worker. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.postMessage({ type: 'clear' });
    // Let the clear message land before terminating.
    setTimeout(() => this.#worker.terminate(), 50);
  }

  #attach(endpoint: WithEncodedStreams<RTCRtpSender | RTCRtpReceiver>, side: 'send' | 'recv', kind: Kind): void {
    if (this.#closed) throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, 'Frame encryption is closed');
    if (this.mode === 'script-transform') {
      const Transform = globals().RTCRtpScriptTransform;
      if (!Transform) throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, 'RTCRtpScriptTransform disappeared');
      (endpoint as { transform: unknown }).transform = new Transform(this.#worker, { side, kind });
      return;
    }
    if (typeof endpoint.createEncodedStreams !== 'function') {
      throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, 'createEncodedStreams is not available');
    }
    const { readable, writable } = endpoint.createEncodedStreams();
    this.#worker.postMessage({ type: 'streams', readable, writable, side, kind }, [
      readable as unknown as Transferable,
      writable as unknown as Transferable,
    ]);
  }
}
