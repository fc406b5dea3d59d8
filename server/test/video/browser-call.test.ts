/**
 * A real video call between two Chromium pages through the real server and the real SFU, and
 * the proof that the SFU only ever forwards end-to-end encrypted media.
 *
 * Setup: the server (PGlite) runs with its SFU; one headless Chromium with two contexts serves a
 * test page at the server's own origin (page.route), so the SDK bundle's fetch and WebSocket go
 * to the real server same-origin. Page 1 logs in as the counsellor, page 2 as the seeker (the
 * Argon2id KDF runs in the browser); the counsellor calls, the seeker answers on the ring, both
 * publish Chromium's fake camera and microphone, and each page's receive statistics must show
 * `inbound-rtp` video with `framesDecoded > 0` from the other.
 *
 * The encryption proof. We tap the media exactly where a curious SFU operator would: in the
 * server process, a PlainTransport consumer (comedia off, rtcp-mux, 127.0.0.1) on the call's
 * Router consumes the counsellor's video producer and sends the RTP to a Node UDP socket. The
 * test strips the RTP header, depacketizes VP8 (RFC 7741 payload descriptor: X/I/L/T/K fields,
 * S bit + partition 0 = first packet of a frame, RTP marker = last) and reassembles whole frames,
 * keeping only frames whose packets all arrived. Then, for every reassembled frame:
 *   (a) it ends with the SDK's trailer (nonce(24) ‖ generation ‖ 0xE2 0xEE) and keeps only the
 *       VP8 header in the clear (10 bytes on key frames, 3 on delta frames);
 *   (b) it AEAD-decrypts (XChaCha20-Poly1305, media-frames.ts) with the call's media keys — read
 *       from the counsellor's page through the `testHooks` option, which nothing else enables;
 *   (c) it does NOT decrypt with another (random) key.
 * The same recording of a call made with `e2ee: false` (the only use of that option) is the
 * baseline: its frames carry no trailer, decrypt with no key, and their key frames are plain VP8
 * (start code 9d 01 2a and a camera-sized picture) — so the recorder sees real VP8 and the checks
 * above discriminate encrypted from unencrypted media.
 *
 * Also: the same call through the createEncodedStreams() fallback (Chromium has both APIs); a
 * group session where a participant leaves and the caller's new key generation reaches only those
 * who remain; a rejoin into a new room after the SFU worker was killed, still encrypted.
 *
 * Fail closed: a page where RTCRtpScriptTransform and createEncodedStreams were deleted before
 * the SDK loaded cannot answer (CryptoError ENCRYPTION_UNAVAILABLE, before accepting) and has
 * nothing in the SFU room: no peer, no producer.
 *
 * Needs the mediasoup worker binary and Chromium (CHROMIUM_PATH, default /usr/bin/chromium); skipped
 * without them unless REQUIRE_VIDEO=1. CALL_TEST_DEBUG=1 prints the steps and the pages' console.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { types as ms } from 'mediasoup';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromB64 } from '../../../client-sdk/src/crypto/encoding.ts';
import { CryptoError } from '../../../client-sdk/src/crypto/failures.ts';
import {
  FRAME_TAG_BYTES,
  FRAME_TRAILER_BYTES,
  decryptFrame,
  hasFrameTrailer,
  isVp8KeyFrame,
} from '../../../client-sdk/src/crypto/media-frames.ts';
import { sodium } from '../../../client-sdk/src/crypto/sodium.ts';
import type { CounselClient } from '../../../client-sdk/src/index.ts';
import type { Room, SfuServer } from '../../../sfu/src/index.ts';
import { browserVideoMissing, CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser.ts';
import { waitFor } from '../helpers/realtime.ts';
import { newSeeker, PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

/** CALL_TEST_DEBUG=1 prints the steps and the pages' console. */
const debug = process.env.CALL_TEST_DEBUG ? (...args: unknown[]) => console.log('[call-test]', ...args) : () => {};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Why this suite cannot run here, or null. With REQUIRE_VIDEO=1 a missing prerequisite fails. */
const missing = browserVideoMissing();

describe('browser call prerequisites', () => {
  it.runIf(process.env.REQUIRE_VIDEO === '1')('has the mediasoup worker and Chromium (REQUIRE_VIDEO=1)', () => {
    expect(missing).toBeNull();
  });
});

/**
 * The page-side harness, plain JavaScript (nothing of it is transformed by the test runner).
 * Everything the test does in a page goes through `window.harness`.
 */
const HARNESS = String.raw`
import * as S from '/call-test/sdk.js';
const state = { rings: [], events: [], keyEvents: [], call: null, stream: null };
async function media() {
  state.stream ??= await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 15 }, audio: true });
  return state.stream;
}
function follow(call) {
  state.call = call;
  state.events = [];
  call.on((event) => state.events.push(event.type === 'error' ? 'error: ' + event.error.message : event.type));
  return call;
}
window.harness = {
  support: () => S.frameEncryptionSupport(),
  async login(username, password) {
    const client = await S.CounselClient.login({ baseUrl: location.origin, username, password, fetch: fetch.bind(globalThis) });
    const live = client.connectRealtime();
    await live.ready();
    const signalling = new S.CallSignalling(live.connection);
    const workerSource = await (await fetch('/call-test/e2ee-worker.js')).text();
    Object.assign(state, { client, live, signalling, workerUrl: S.workerUrlFromSource(workerSource) });
    S.VideoCall.onRing(signalling, (ring) => state.rings.push(ring));
    signalling.onEvent((event) => {
      if (event.type === 'call.key') state.keyEvents.push({ callId: event.callId, generation: event.generation });
    });
    return client.userId;
  },
  async start(threadId, options) {
    const call = follow(await S.VideoCall.start(state.client, state.signalling, threadId, { workerUrl: state.workerUrl, testHooks: true, ...options }));
    await call.join();
    await call.publish(await media());
    return { callId: call.callId, mode: call.frameEncryptionMode, producers: call.producerIds };
  },
  ringCount: (callId) => state.rings.filter((ring) => ring.callId === callId).length,
  async answer(callId, options) {
    const ring = state.rings.find((r) => r.callId === callId);
    try {
      const call = follow(await S.VideoCall.answer(state.client, state.signalling, ring, { workerUrl: state.workerUrl, testHooks: true, ...options }));
      await call.join();
      await call.publish(await media());
      return { ok: true, mode: call.frameEncryptionMode, producers: call.producerIds };
    } catch (error) {
      return { ok: false, name: error.name, failure: error.failure ?? null, message: error.message };
    }
  },
  inbound: () => state.call.receiveStats(),
  frameStats: () => state.call.frameStats(),
  keys: () => state.call.testMediaKeys(),
  generation: () => state.call.currentGeneration,
  keyGenerations: (callId) => state.keyEvents.filter((event) => event.callId === callId).map((event) => event.generation),
  events: () => state.events.slice(),
  errors: () => state.call?.frameErrors.slice() ?? [],
  async leave() {
    await state.call?.leave();
    state.call = null;
  },
};
window.harnessReady = true;
`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>call test</title></head>
<body><script type="module">${HARNESS}</script></body></html>`;

/** Deletes both frame-transform APIs before any script of the page runs. */
function removeFrameTransformApis(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  delete g.RTCRtpScriptTransform;
  delete (RTCRtpSender.prototype as unknown as Record<string, unknown>).createEncodedStreams;
  delete (RTCRtpReceiver.prototype as unknown as Record<string, unknown>).createEncodedStreams;
}

interface Harness {
  support(): string | null;
  login(username: string, password: string): Promise<string>;
  start(threadId: string, options: Record<string, unknown>): Promise<{ callId: string; mode: string | null }>;
  ringCount(callId: string): number;
  answer(
    callId: string,
    options: Record<string, unknown>,
  ): Promise<{ ok: boolean; mode?: string | null; name?: string; failure?: string | null; message?: string }>;
  inbound(): Promise<Array<{ userId: string; kind: string; framesDecoded: number; frameWidth: number | null }>>;
  frameStats(): Promise<Record<
    string,
    { ok: number; droppedInvalid: number; droppedNoKey: number; frames: number; lastGeneration: number | null }
  > | null>;
  keys(): Record<string, string>;
  generation(): number | null;
  keyGenerations(callId: string): number[];
  events(): string[];
  errors(): string[];
  leave(): Promise<void>;
}

/** Runs `fn` against `window.harness` in the page. */
function inPage<T>(page: Page, fn: (harness: Harness, arg: never) => T | Promise<T>, arg?: unknown): Promise<T> {
  const source = `(async ({ arg }) => (${fn.toString()})(window.harness, arg))`;
  return page.evaluate(`${source}(${JSON.stringify({ arg: arg ?? null })})`) as Promise<T>;
}

// ---------------------------------------------------------------- RTP / VP8 recording

interface RtpPacket {
  seq: number;
  timestamp: number;
  marker: boolean;
  payloadType: number;
  ssrc: number;
  payload: Buffer;
}

function parseRtp(packet: Buffer): RtpPacket | null {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return null;
  const payloadType = packet[1]! & 0x7f;
  // RTCP (rtcp-mux): packet types 200..206 show up as payload types 72..78.
  if (payloadType >= 72 && payloadType <= 78) return null;
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return null;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (end < offset) return null;
  return {
    seq: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    marker: (packet[1]! & 0x80) !== 0,
    payloadType,
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(offset, end),
  };
}

/** RFC 7741 §4.2 payload descriptor → (start of partition 0?, VP8 payload bytes). */
function depacketizeVp8(payload: Buffer): { start: boolean; data: Buffer } | null {
  if (payload.length < 1) return null;
  const b0 = payload[0]!;
  let offset = 1;
  if (b0 & 0x80) {
    const x = payload[offset++];
    if (x === undefined) return null;
    if (x & 0x80) offset += (payload[offset]! & 0x80) !== 0 ? 2 : 1; // PictureID, 7 or 15 bits
    if (x & 0x40) offset += 1; // TL0PICIDX
    if (x & 0x30) offset += 1; // TID / KEYIDX
  }
  if (offset > payload.length) return null;
  return { start: (b0 & 0x10) !== 0 && (b0 & 0x07) === 0, data: payload.subarray(offset) };
}

/** Complete frames only: first packet starts partition 0, last has the marker, no gap in between. */
function reassembleVp8(packets: RtpPacket[]): Buffer[] {
  const byTimestamp = new Map<number, RtpPacket[]>();
  const order: number[] = [];
  for (const packet of packets) {
    let list = byTimestamp.get(packet.timestamp);
    if (!list) {
      list = [];
      byTimestamp.set(packet.timestamp, list);
      order.push(packet.timestamp);
    }
    if (!list.some((p) => p.seq === packet.seq)) list.push(packet); // drop retransmitted duplicates
  }
  const frames: Buffer[] = [];
  for (const timestamp of order) {
    const list = byTimestamp.get(timestamp)!;
    const base = list[0]!.seq;
    // Sequence numbers relative to the first one seen, across a 16-bit wrap.
    const rel = (seq: number) => ((seq - base + 0x8000) & 0xffff) - 0x8000;
    list.sort((a, b) => rel(a.seq) - rel(b.seq));
    const parts = list.map((p) => depacketizeVp8(p.payload));
    const first = parts[0];
    const contiguous = list.every((p, i) => i === 0 || rel(p.seq) === rel(list[i - 1]!.seq) + 1);
    if (!first?.start || !list[list.length - 1]!.marker || !contiguous || parts.some((p) => p === null)) continue;
    frames.push(Buffer.concat(parts.map((p) => p!.data)));
  }
  return frames;
}

function findRoom(sfu: SfuServer, callId: string): Room {
  const room = sfu.getRoom(callId) ?? sfu.roomIds().map((id) => sfu.getRoom(id)).find((r) => r?.meta.callId === callId);
  if (!room) throw new Error(`no SFU room for call ${callId}`);
  return room;
}

/**
 * Taps a user's video producer in the call's Router with a server-side PlainTransport consumer
 * and returns the VP8 frames reassembled from what arrived in `durationMs`.
 */
async function recordVideo(sfu: SfuServer, callId: string, userId: string, durationMs: number): Promise<Buffer[]> {
  const room = findRoom(sfu, callId);
  const peer = [...room.peers.values()].find((p) => p.userId === userId);
  const producer = peer && [...peer.producers.values()].find((p) => p.kind === 'video');
  if (!producer) throw new Error(`user ${userId} has no video producer in call ${callId}`);
  const socket = dgram.createSocket('udp4');
  const packets: RtpPacket[] = [];
  socket.on('message', (message) => {
    const packet = parseRtp(message);
    if (packet) packets.push(packet);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const router = room.router;
  const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
  let consumer: ms.Consumer | null = null;
  try {
    await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
    consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: false });
    const vp8 = consumer.rtpParameters.codecs.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8');
    expect(vp8, 'the producer sends VP8').toBeDefined();
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    await consumer.requestKeyFrame();
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    return reassembleVp8(packets.filter((p) => p.payloadType === vp8!.payloadType && (ssrc === undefined || p.ssrc === ssrc)));
  } finally {
    consumer?.close();
    transport.close();
    socket.close();
  }
}

function decrypts(frame: Uint8Array, keys: Map<number, Uint8Array>): boolean {
  try {
    decryptFrame(frame, keys, 'vp8');
    return true;
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    return false;
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// ---------------------------------------------------------------- the suite

describe.skipIf(missing !== null)('video call in a real browser', () => {
  let server: TestServer;
  let world: World;
  let counsellor: CounselClient;
  let seeker: CounselClient;
  let threadId: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let counsellorPage: Page;
  let seekerPage: Page;
  let sdkSource: string;
  let workerSource: string;

  async function openPage(options: { withoutFrameTransforms?: boolean } = {}): Promise<Page> {
    // The page is fulfilled by interception, so Chromium cannot tell which address space it came
    // from and treats it as public: its WebSocket to 127.0.0.1 then needs the Local Network Access
    // permission (a page really served by the server would be loopback → loopback and need none).
    const context = await browser.newContext({ permissions: ['local-network-access'] });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    page.on('console', (message) => debug('console', message.type(), message.text()));
    if (options.withoutFrameTransforms) await page.addInitScript(removeFrameTransformApis);
    await page.route(`${server.url}/call-test`, (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
    await page.route(`${server.url}/call-test/sdk.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: sdkSource }),
    );
    await page.route(`${server.url}/call-test/e2ee-worker.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: workerSource }),
    );
    await page.goto(`${server.url}/call-test`);
    await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean }).harnessReady === true);
    return page;
  }

  async function login(page: Page, client: CounselClient): Promise<void> {
    const userId = await inPage(page, (h, arg: { username: string; password: string }) => h.login(arg.username, arg.password), {
      username: client.me.username,
      password: PASSWORD,
    });
    expect(userId).toBe(client.userId);
  }

  /** Counsellor calls, seeker answers on the ring, both publish camera + microphone. */
  async function connectCall(options: Record<string, unknown>, seekerOptions = options): Promise<string> {
    const started = await inPage(counsellorPage, (h, arg: Record<string, unknown>) => h.start(arg.threadId as string, arg.options as never), {
      threadId,
      options,
    });
    await waitForPage(seekerPage, (h, callId: string) => h.ringCount(callId) > 0, started.callId, 'ring');
    const answered = await inPage(seekerPage, (h, arg: { callId: string; options: Record<string, unknown> }) => h.answer(arg.callId, arg.options), {
      callId: started.callId,
      options: seekerOptions,
    });
    expect(answered, JSON.stringify(answered)).toMatchObject({ ok: true });
    return started.callId;
  }

  async function waitForPage<A>(page: Page, check: (h: Harness, arg: A) => boolean | Promise<boolean>, arg: A, label: string, timeoutMs = 15_000) {
    const start = Date.now();
    for (;;) {
      if (await inPage(page, check as never, arg)) return;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function decodedFrom(page: Page, userId: string): Promise<number> {
    const stats = await inPage(page, (h) => h.inbound());
    return stats.filter((s) => s.kind === 'video' && s.userId === userId).reduce((sum, s) => sum + s.framesDecoded, 0);
  }

  async function waitForVideoBothWays(): Promise<void> {
    const start = Date.now();
    for (;;) {
      const [atSeeker, atCounsellor] = await Promise.all([decodedFrom(seekerPage, counsellor.userId), decodedFrom(counsellorPage, seeker.userId)]);
      if (atSeeker > 0 && atCounsellor > 0) return;
      if (Date.now() - start > 20_000) {
        const details = {
          counsellor: { events: await inPage(counsellorPage, (h) => h.events()), frames: await inPage(counsellorPage, (h) => h.frameStats()) },
          seeker: { events: await inPage(seekerPage, (h) => h.events()), frames: await inPage(seekerPage, (h) => h.frameStats()) },
        };
        throw new Error(`no decoded video both ways (seeker ${atSeeker}, counsellor ${atCounsellor}): ${JSON.stringify(details)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function hangUp(callId: string): Promise<void> {
    await inPage(counsellorPage, (h) => h.leave());
    await inPage(seekerPage, (h) => h.leave());
    await waitFor(() => server.sfu?.getRoom(callId) === undefined, 'room closed');
  }

  beforeAll(async () => {
    const built = JSON.parse(execFileSync(process.execPath, [path.join(root, 'client-sdk/build-browser.mjs')], { encoding: 'utf8' })) as {
      sdk: string;
      worker: string;
    };
    debug('bundles built');
    sdkSource = readFileSync(built.sdk, 'utf8');
    workerSource = readFileSync(built.worker, 'utf8');
    server = await startServer('pglite', { video: true });
    world = await buildWorld(server);
    counsellor = world.solo.counsellors[0];
    seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'Can we talk by video?' });
    await counsellor.claim(thread.id);
    threadId = thread.id;
    debug('world ready');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    [counsellorPage, seekerPage] = await Promise.all([openPage(), openPage()]);
    debug('pages open');
    await Promise.all([login(counsellorPage, counsellor), login(seekerPage, seeker)]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  let encryptedCallId: string;

  it('should connect an encrypted call in which each side decodes the other’s video', async () => {
    expect(await inPage(counsellorPage, (h) => h.support())).toBe('script-transform');
    encryptedCallId = await connectCall({});
    await waitForVideoBothWays();

    const counsellorFrames = (await inPage(counsellorPage, (h) => h.frameStats()))!;
    const seekerFrames = (await inPage(seekerPage, (h) => h.frameStats()))!;
    // Both directions went through the worker: encrypted on send, decrypted on receive.
    expect(counsellorFrames['send:video']!.ok).toBeGreaterThan(0);
    expect(seekerFrames['recv:video']!.ok).toBeGreaterThan(0);
    expect(seekerFrames['send:video']!.ok).toBeGreaterThan(0);
    expect(counsellorFrames['recv:video']!.ok).toBeGreaterThan(0);
    expect(counsellorFrames['send:audio']!.ok).toBeGreaterThan(0);
    expect(seekerFrames['recv:audio']!.ok).toBeGreaterThan(0);
    // Nothing unauthentic reached a decoder.
    expect(seekerFrames['recv:video']!.droppedInvalid).toBe(0);
    expect(counsellorFrames['recv:video']!.droppedInvalid).toBe(0);
    expect(await inPage(seekerPage, (h) => h.errors())).toEqual([]);
  });

  it('should forward only frames that carry the trailer and open with the call key alone', async () => {
    const sfu = server.sfu!;
    const frames = await recordVideo(sfu, encryptedCallId, counsellor.userId, 2_500);
    const keyList = await inPage(counsellorPage, (h) => h.keys());
    const keys = new Map(Object.entries(keyList).map(([generation, key]) => [Number(generation), fromB64(key)]));
    expect(keys.size).toBeGreaterThan(0);
    // The seeker holds the same keys (it decrypts), and they are the caller's.
    const seekerKeys = await inPage(seekerPage, (h) => h.keys());
    for (const [generation, key] of Object.entries(seekerKeys)) expect(keyList[generation]).toBe(key);

    debug('encrypted recording', {
      frames: frames.length,
      keyFrames: frames.filter((frame) => isVp8KeyFrame(frame)).length,
      generations: [...new Set(frames.map((frame) => frame[frame.length - 3]))],
      keys: [...keys.keys()],
      counsellorEvents: await inPage(counsellorPage, (h) => h.events()),
      seekerEvents: await inPage(seekerPage, (h) => h.events()),
    });
    expect(frames.length).toBeGreaterThanOrEqual(10);
    expect(frames.some((frame) => isVp8KeyFrame(frame))).toBe(true);
    const otherKeys = new Map([...keys.keys()].map((generation) => [generation, sodium.randombytes_buf(32)]));
    for (const frame of frames) {
      // (a) trailer, and only the VP8 header in the clear.
      expect(hasFrameTrailer(frame)).toBe(true);
      // (b) opens with the call's media key…
      const plain = decryptFrame(frame, keys, 'vp8');
      expect(plain.length).toBe(frame.length - FRAME_TAG_BYTES - FRAME_TRAILER_BYTES);
      const clear = isVp8KeyFrame(frame) ? 10 : 3;
      expect(hex(frame.subarray(0, clear))).toBe(hex(plain.subarray(0, clear)));
      if (plain.length > clear + 16) expect(hex(frame.subarray(clear, clear + 16))).not.toBe(hex(plain.subarray(clear, clear + 16)));
      if (isVp8KeyFrame(plain)) expect(hex(plain.subarray(3, 6))).toBe('9d012a');
      // (c) …and with nothing else.
      expect(decrypts(frame, otherKeys)).toBe(false);
    }
    await hangUp(encryptedCallId);
  });

  it('should show plain VP8 in the same recording of an unencrypted call (baseline)', async () => {
    const sfu = server.sfu!;
    const callId = await connectCall({ e2ee: false });
    await waitForVideoBothWays();
    expect(await inPage(counsellorPage, (h) => h.frameStats())).toBeNull();
    const frames = await recordVideo(sfu, callId, counsellor.userId, 2_500);
    const keyFrames = frames.filter((frame) => isVp8KeyFrame(frame));
    debug('baseline recording', { frames: frames.length, keyFrames: keyFrames.length, withTrailer: frames.filter((f) => hasFrameTrailer(f)).length });
    expect(frames.length).toBeGreaterThanOrEqual(10);
    expect(keyFrames.length).toBeGreaterThan(0);
    for (const frame of keyFrames) {
      // RFC 6386 §9.1: start code, then 14-bit width and height (little endian) of the camera picture.
      expect(hex(frame.subarray(3, 6))).toBe('9d012a');
      const width = frame.readUInt16LE(6) & 0x3fff;
      const height = frame.readUInt16LE(8) & 0x3fff;
      expect(width).toBeGreaterThanOrEqual(16);
      expect(width).toBeLessThanOrEqual(640);
      expect(height).toBeGreaterThanOrEqual(16);
      expect(height).toBeLessThanOrEqual(480);
    }
    // A plain frame ends in E2 EE by chance with probability 2^-16; allow one such frame.
    expect(frames.filter((frame) => hasFrameTrailer(frame)).length).toBeLessThanOrEqual(1);
    const anyKeys = new Map(Array.from({ length: 256 }, (_, generation) => [generation, sodium.randombytes_buf(32)]));
    for (const frame of frames) expect(decrypts(frame, anyKeys)).toBe(false);
    await hangUp(callId);
  });

  it('should work the same through the createEncodedStreams fallback', async () => {
    const sfu = server.sfu!;
    const callId = await connectCall({ frameEncryption: 'encoded-streams' });
    await waitForVideoBothWays();
    const frames = await recordVideo(sfu, callId, seeker.userId, 1_500);
    const keys = new Map(Object.entries(await inPage(seekerPage, (h) => h.keys())).map(([g, key]) => [Number(g), fromB64(key)]));
    expect(frames.length).toBeGreaterThanOrEqual(5);
    for (const frame of frames) {
      expect(hasFrameTrailer(frame)).toBe(true);
      expect(decrypts(frame, keys)).toBe(true);
    }
    const stats = (await inPage(counsellorPage, (h) => h.frameStats()))!;
    expect(stats['recv:video']!.ok).toBeGreaterThan(0);
    expect(stats['recv:video']!.droppedInvalid).toBe(0);
    await hangUp(callId);
  });

  it('should rotate the media key when a participant leaves a group session, sealed to those who remain', async () => {
    const colleague = world.solo.counsellors[1];
    const colleaguePage = await openPage();
    await login(colleaguePage, colleague);
    const started = await inPage(counsellorPage, (h, arg: { threadId: string; invitees: string[] }) => h.start(arg.threadId, { invitees: arg.invitees }), {
      threadId,
      invitees: [colleague.userId],
    });
    const callId = started.callId;
    for (const page of [seekerPage, colleaguePage]) {
      await waitForPage(page, (h, id: string) => h.ringCount(id) > 0, callId, 'ring');
      expect(await inPage(page, (h, id: string) => h.answer(id, {}), callId)).toMatchObject({ ok: true });
    }
    await waitForVideoBothWays();
    // Everyone holds the same newest generation before the colleague leaves.
    await waitForPage(colleaguePage, (h, id: string) => h.keyGenerations(id).length > 0, callId, 'colleague key');
    // Joins trigger batched re-keys, so wait until all three agree on one generation and it has
    // stayed the same for a second (no re-key still in flight).
    let before = -1;
    let agreedSince = 0;
    const settleStart = Date.now();
    for (;;) {
      const g = (await inPage(counsellorPage, (h) => h.generation())) ?? -1;
      const seekerG = await inPage(seekerPage, (h) => h.generation());
      const colleagueG = await inPage(colleaguePage, (h) => h.generation());
      const agreed = g >= 0 && seekerG === g && colleagueG === g;
      if (!agreed || g !== before) {
        before = agreed ? g : -1;
        agreedSince = Date.now();
      } else if (Date.now() - agreedSince >= 1_000) {
        break;
      }
      if (Date.now() - settleStart > 20_000) throw new Error(`generations never settled: ${g}/${seekerG}/${colleagueG}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await inPage(colleaguePage, (h) => h.leave());
    await waitForPage(counsellorPage, (h, g: number) => (h.generation() ?? -1) > g, before, 'rotation after peer-left');
    const after = (await inPage(counsellorPage, (h) => h.generation()))!;
    // A further rotation may follow (re-keys are batched), so "at least the new generation".
    await waitForPage(seekerPage, (h, g: number) => (h.generation() ?? -1) >= g, after, 'seeker gets the new generation');
    // The seeker keeps decoding the counsellor's video, now under a post-departure generation…
    await waitForPage(
      seekerPage,
      async (h, g: number) => ((await h.frameStats())!['recv:video']!.lastGeneration ?? -1) >= g,
      after,
      'seeker decrypts the new generation',
    );
    // …which was never sealed to the colleague who left.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const colleagueGenerations = await inPage(colleaguePage, (h, id: string) => h.keyGenerations(id), callId);
    expect(colleagueGenerations.filter((g) => g >= after)).toEqual([]);
    expect(Math.max(...colleagueGenerations)).toBeLessThanOrEqual(before);
    await hangUp(callId);
  });

  it('should rejoin a new room after the SFU worker died, still encrypted', async () => {
    const sfu = server.sfu!;
    const callId = await connectCall({});
    await waitForVideoBothWays();
    const [pid] = sfu.workerPids();
    // The worker is a child process of this test's SFU.
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => sfu.workerPids().length === 1 && sfu.workerPids()[0] !== pid, 'worker replaced');
    for (const page of [counsellorPage, seekerPage]) {
      await waitForPage(page, (h) => h.events().includes('rejoined'), null, 'rejoined');
    }
    await waitForVideoBothWays();
    // Longer than elsewhere: right after a rejoin, under load, complete frames can take a moment.
    const frames = await recordVideo(sfu, callId, counsellor.userId, 3_000);
    const keys = new Map(Object.entries(await inPage(counsellorPage, (h) => h.keys())).map(([g, key]) => [Number(g), fromB64(key)]));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(decrypts(frame, keys)).toBe(true);
    await hangUp(callId);
  });

  it('should keep a browser without frame transforms out of an encrypted call (fail closed)', async () => {
    const sfu = server.sfu!;
    const blindPage = await openPage({ withoutFrameTransforms: true });
    expect(await inPage(blindPage, (h) => h.support())).toBeNull();
    await login(blindPage, seeker);

    const started = await inPage(counsellorPage, (h, arg: string) => h.start(arg, {}), threadId);
    await waitForPage(blindPage, (h, callId: string) => h.ringCount(callId) > 0, started.callId, 'ring on the blind page');
    const answered = await inPage(blindPage, (h, callId: string) => h.answer(callId, {}), started.callId);
    expect(answered).toMatchObject({ ok: false, name: 'CryptoError', failure: 'crypto.encryptionUnavailable' });

    // Nothing of the seeker reached the SFU: no peer, no producer, while the counsellor is there.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const room = findRoom(sfu, started.callId);
    const peers = [...room.peers.values()];
    expect(peers.map((peer) => peer.userId)).toEqual([counsellor.userId]);
    expect(room.listProducers().every((producer) => producer.peerId !== seeker.userId)).toBe(true);
    await inPage(counsellorPage, (h) => h.leave());
  });
});
