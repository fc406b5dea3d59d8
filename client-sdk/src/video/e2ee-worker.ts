/**
 * The frame-encryption worker (a dedicated Worker; bundled on its own by
 * client-sdk/build-browser.mjs as an IIFE, see there for how pages load it).
 *
 * It receives the encoded frames of every RTP sender and receiver of one call, either
 * - through `rtctransform` events (RTCRtpScriptTransform; options `{ side, kind }`), or
 * - through a posted `{ type: 'streams', readable, writable, side, kind }` (the Chromium
 *   `createEncodedStreams()` fallback; the streams are transferred),
 * and encrypts (send) or decrypts (recv) each with client-sdk/src/crypto/media-frames.ts.
 *
 * Fail closed, both ways: a sender without a current key drops its frames (nothing leaves in the
 * clear), and a receiver drops every frame that does not decrypt (ciphertext or clear media is
 * never handed to the decoder).
 *
 * Messages in: `{ type: 'key', generation, key, current? }` (key: 32 bytes), `{ type: 'current',
 * generation }`, `{ type: 'clear' }` (forget all keys), `{ type: 'stats', id }` → answered with
 * `{ type: 'stats', id, stats }`. Messages out: `{ type: 'ready' }`, `{ type: 'stats', … }`,
 * `{ type: 'error', message }`.
 */
import sodiumModule from 'libsodium-wrappers-sumo';
import { decryptFrame, encryptFrame, type FrameCodec } from '../crypto/media-frames.ts';

type Side = 'send' | 'recv';
type Kind = 'audio' | 'video';

interface EncodedFrame {
  data: ArrayBuffer;
  type?: string;
  getMetadata?: () => { mimeType?: string; payloadType?: number };
}

interface ScriptTransformer {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  readonly options: unknown;
  generateKeyFrame?: () => Promise<unknown>;
}

interface WorkerScope {
  onrtctransform: ((event: { transformer: ScriptTransformer }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
}

/** Counters of one side/kind pair, for tests and diagnostics. */
export interface StreamCounters {
  /** Transforms attached (one per sender/receiver). */
  streams: number;
  /** Frames seen. */
  frames: number;
  /** send: frames encrypted; recv: frames decrypted. */
  ok: number;
  /** send: dropped, no current key. recv: dropped, no key for the frame's generation. */
  droppedNoKey: number;
  /** recv: dropped, the frame carried no trailer (clear media) or failed authentication. */
  droppedInvalid: number;
  /** send: dropped, a codec whose header layout we do not know (fail closed). */
  droppedCodec: number;
  /** Frames seen before libsodium was ready (dropped). */
  droppedNotReady: number;
  /** Generation of the last frame encrypted / decrypted. */
  lastGeneration: number | null;
  /** Bytes of the last frame encrypted / decrypted (after encryption / after decryption). */
  lastFrameBytes: number;
  keyFrames: number;
}

export type WorkerStats = Record<`${Side}:${Kind}`, StreamCounters> & { currentGeneration: number | null; generations: number[] };

/** How many generations a receiver keeps, so frames in flight during a rotation still decrypt. */
const KEPT_GENERATIONS = 4;

const scope = globalThis as unknown as WorkerScope;
const keys = new Map<number, Uint8Array>();
let current: number | null = null;
let ready = false;
const senders = new Set<ScriptTransformer>();

const counters = (): StreamCounters => ({
  streams: 0,
  frames: 0,
  ok: 0,
  droppedNoKey: 0,
  droppedInvalid: 0,
  droppedCodec: 0,
  droppedNotReady: 0,
  lastGeneration: null,
  lastFrameBytes: 0,
  keyFrames: 0,
});
const stats: Record<`${Side}:${Kind}`, StreamCounters> = {
  'send:audio': counters(),
  'send:video': counters(),
  'recv:audio': counters(),
  'recv:video': counters(),
};

sodiumModule.ready.then(
  () => {
    ready = true;
    scope.postMessage({ type: 'ready' });
  },
  (error: unknown) => scope.postMessage({ type: 'error', message: `libsodium failed to load: ${String(error)}` }),
);

function codecOf(kind: Kind, frame: EncodedFrame): FrameCodec | null {
  const mimeType = frame.getMetadata?.().mimeType?.toLowerCase();
  if (kind === 'video') {
    // The clear-header rule is VP8's; another video codec would be forwarded broken or leak
    // structure, so it is refused (the call forces VP8).
    if (mimeType === undefined || mimeType === 'video/vp8') return 'vp8';
    return null;
  }
  if (mimeType === undefined || mimeType === 'audio/opus') return 'opus';
  return 'unknown';
}

function process(side: Side, kind: Kind, frame: EncodedFrame, enqueue: (frame: EncodedFrame) => void): void {
  const counter = stats[`${side}:${kind}`];
  counter.frames += 1;
  if (!ready) {
    counter.droppedNotReady += 1;
    return;
  }
  const codec = codecOf(kind, frame);
  if (codec === null) {
    counter.droppedCodec += 1;
    return;
  }
  const data = new Uint8Array(frame.data);
  if (side === 'send') {
    const key = current === null ? undefined : keys.get(current);
    if (current === null || !key) {
      counter.droppedNoKey += 1;
      return;
    }
    const sealed = encryptFrame(data, key, current, codec);
    if (codec === 'vp8' && (data[0]! & 1) === 0) counter.keyFrames += 1;
    frame.data = sealed.buffer as ArrayBuffer;
    counter.ok += 1;
    counter.lastGeneration = current;
    counter.lastFrameBytes = sealed.length;
    enqueue(frame);
    return;
  }
  let plain: Uint8Array;
  try {
    plain = decryptFrame(data, keys, codec);
  } catch (error) {
    const failure = (error as { failure?: string }).failure;
    if (failure === 'crypto.unknownEpoch') counter.droppedNoKey += 1;
    else counter.droppedInvalid += 1;
    return;
  }
  if (codec === 'vp8' && (plain[0]! & 1) === 0) counter.keyFrames += 1;
  counter.ok += 1;
  counter.lastGeneration = data[data.length - 3] ?? null;
  counter.lastFrameBytes = plain.length;
  frame.data = plain.buffer as ArrayBuffer;
  enqueue(frame);
}

function pipe(
  readable: ReadableStream<EncodedFrame>,
  writable: WritableStream<EncodedFrame>,
  side: Side,
  kind: Kind,
  transformer?: ScriptTransformer,
): void {
  stats[`${side}:${kind}`].streams += 1;
  if (side === 'send' && transformer && kind === 'video') senders.add(transformer);
  readable
    .pipeThrough(
      new TransformStream<EncodedFrame, EncodedFrame>({
        transform(frame, controller) {
          try {
            process(side, kind, frame, (out) => controller.enqueue(out));
          } catch (error) {
            // One bad frame must not stop the stream; it is dropped.
            stats[`${side}:${kind}`].droppedInvalid += 1;
            scope.postMessage({ type: 'error', message: `frame ${side} ${kind}: ${String(error)}` });
          }
        },
      }),
    )
    .pipeTo(writable)
    .catch(() => {
      // The sender/receiver was closed.
    })
    .finally(() => {
      if (transformer) senders.delete(transformer);
    });
}

function parseOptions(options: unknown): { side: Side; kind: Kind } | null {
  const { side, kind } = (options ?? {}) as { side?: unknown; kind?: unknown };
  if ((side === 'send' || side === 'recv') && (kind === 'audio' || kind === 'video')) return { side, kind };
  return null;
}

scope.onrtctransform = (event) => {
  const transformer = event.transformer;
  const options = parseOptions(transformer.options);
  if (!options) {
    // Unknown options: pass nothing at all rather than guess a direction.
    scope.postMessage({ type: 'error', message: 'rtctransform without side/kind: stream blocked' });
    void transformer.readable.cancel().catch(() => {});
    return;
  }
  pipe(transformer.readable, transformer.writable, options.side, options.kind, transformer);
};

function setCurrent(generation: number): void {
  const first = current === null;
  current = generation;
  // A sender that dropped frames while it had no key starts with a key frame, so the receiver
  // does not wait for the next periodic one (where the API exists).
  if (first) for (const sender of senders) void sender.generateKeyFrame?.().catch(() => {});
}

function prune(): void {
  const generations = [...keys.keys()].sort((a, b) => b - a);
  for (const generation of generations.slice(KEPT_GENERATIONS)) {
    if (generation !== current) keys.get(generation)?.fill(0);
    if (generation !== current) keys.delete(generation);
  }
}

scope.onmessage = (event) => {
  const message = (event.data ?? {}) as Record<string, unknown>;
  switch (message.type) {
    case 'key': {
      const generation = message.generation;
      const raw = message.key;
      const key = raw instanceof Uint8Array ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : null;
      if (typeof generation !== 'number' || !Number.isInteger(generation) || generation < 0 || generation > 255 || key?.length !== 32) {
        scope.postMessage({ type: 'error', message: 'invalid key message' });
        return;
      }
      keys.set(generation, key.slice());
      if (message.current === true) setCurrent(generation);
      prune();
      return;
    }
    case 'current':
      if (typeof message.generation === 'number' && keys.has(message.generation)) setCurrent(message.generation);
      return;
    case 'clear':
      for (const key of keys.values()) key.fill(0);
      keys.clear();
      current = null;
      return;
    case 'stats': {
      const snapshot: WorkerStats = {
        ...structuredClone(stats),
        currentGeneration: current,
        generations: [...keys.keys()].sort((a, b) => a - b),
      };
      scope.postMessage({ type: 'stats', id: message.id, stats: snapshot });
      return;
    }
    case 'streams':
    default: {
      // The createEncodedStreams() fallback posts { readable, writable, side, kind }.
      const { readable, writable } = message as { readable?: unknown; writable?: unknown };
      if (readable instanceof ReadableStream && writable instanceof WritableStream) {
        const options = parseOptions(message);
        if (!options) {
          scope.postMessage({ type: 'error', message: 'streams without side/kind: stream blocked' });
          void readable.cancel().catch(() => {});
          return;
        }
        pipe(readable as ReadableStream<EncodedFrame>, writable as WritableStream<EncodedFrame>, options.side, options.kind);
      }
    }
  }
};
