import { Device } from 'mediasoup-client';
import type { types as ms } from 'mediasoup-client';
import type { CounselClient } from '../client.ts';
import { toB64 } from '../crypto/encoding.ts';
import { CryptoError, CryptoFailure } from '../crypto/failures.ts';
import type { RealtimeEvent } from '../transport/realtime.ts';
import { FrameCrypto, peerConnectionSettings, requireFrameEncryption, type FrameEncryptionMode } from './e2ee.ts';
import type { WorkerStats } from './e2ee-worker.ts';
import type { CallInfo, CallParticipant, CallSignalling, TransportInfo } from './signalling.ts';

/**
 * A video call in the browser: mediasoup-client for the media path, {@link CallSignalling} for
 * the signalling, {@link CounselClient} for the media keys, and {@link FrameCrypto} so that
 * every audio and video frame is end-to-end encrypted before it reaches the SFU.
 *
 * Keys: the caller (the counsellor) makes every generation with `client.prepareCallKey` (derived
 * from the thread's epoch key and a fresh salt, sealed and signed to each participant) and sends
 * it with `call.key`; everyone encrypts with the newest generation they hold and decrypts with
 * the generation a frame names. The caller makes a new generation
 * - at the start (generation 0),
 * - when a participant joins the media room (so a participant who missed the earlier envelope
 *   gets one, and a late joiner cannot read earlier media), and
 * - when a participant leaves a group session (sealed to the remaining participants only).
 * Only keys created by the call's caller are accepted.
 */

export type CallRing = Extract<RealtimeEvent, { type: 'call.ring' }>;
type CallEvent = Extract<RealtimeEvent, { type: `call.${string}` }>;
type KeyEvent = Extract<RealtimeEvent, { type: 'call.key' }>;
type Kind = 'audio' | 'video';

export interface VideoCallOptions {
  /**
   * End-to-end encryption of media; default true. `false` exists ONLY for the encryption-proof
   * baseline test (frames then reach the SFU as the browser encoded them).
   */
  e2ee?: boolean;
  /** The frame-encryption worker script (see client-sdk/build-browser.mjs); or `worker`. */
  workerUrl?: string | URL;
  worker?: Worker;
  /** Force a frame-encryption API (default: the best available). */
  frameEncryption?: FrameEncryptionMode;
  /** Group session: other invited participants (call.start only). */
  invitees?: string[];
  /** Enables {@link VideoCall.testMediaKeys}. Tests only: exposes key material to the page. */
  testHooks?: boolean;
}

export type VideoCallEvent =
  | { type: 'remote-stream'; userId: string; stream: MediaStream }
  | { type: 'remote-track-ended'; userId: string; kind: Kind }
  | { type: 'peer-joined'; userId: string }
  | { type: 'peer-left'; userId: string }
  | { type: 'key'; generation: number; current: boolean }
  | { type: 'rejoined' }
  | { type: 'ended'; reason: string }
  | { type: 'error'; error: Error };

export interface InboundVideoStats {
  userId: string;
  kind: Kind;
  framesDecoded: number;
  framesReceived: number;
  packetsReceived: number;
  bytesReceived: number;
  frameWidth: number | null;
}

interface RemoteConsumer {
  consumer: ms.Consumer;
  userId: string;
  producerId: string;
}

/** call.key events that arrive before the call object exists (the key comes right after the ring). */
const keyInboxes = new WeakMap<CallSignalling, Map<string, KeyEvent[]>>();
const INBOX_LIMIT = 16;

function keyInbox(signalling: CallSignalling): Map<string, KeyEvent[]> {
  let inbox = keyInboxes.get(signalling);
  if (!inbox) {
    const created = new Map<string, KeyEvent[]>();
    inbox = created;
    keyInboxes.set(signalling, created);
    signalling.onEvent((event) => {
      if (event.type === 'call.key') {
        const list = created.get(event.callId) ?? [];
        if (list.length < INBOX_LIMIT) list.push(event);
        created.set(event.callId, list);
      } else if (event.type === 'call.ended') {
        created.delete(event.callId);
      }
    });
  }
  return inbox;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class VideoCall {
  readonly callId: string;
  readonly threadId: string;
  readonly callerId: string;
  readonly e2ee: boolean;
  readonly #client: CounselClient;
  readonly #signalling: CallSignalling;
  readonly #options: VideoCallOptions;
  readonly #crypto: FrameCrypto | null;
  readonly #listeners = new Set<(event: VideoCallEvent) => void>();
  readonly #unsubscribe: () => void;
  #participants: CallParticipant[];
  readonly #departed = new Set<string>();
  /** generation → media key (kept for the test hook and to skip our own echoed envelopes). */
  readonly #keys = new Map<number, Uint8Array>();
  #currentGeneration = -1;
  #keyChain: Promise<void> = Promise.resolve();
  #pendingKeys: KeyEvent[] = [];
  #rekeyTimer: ReturnType<typeof setTimeout> | null = null;
  #rekeyMustSucceed = false;
  #device: Device | null = null;
  #sendTransport: ms.Transport | null = null;
  #recvTransport: ms.Transport | null = null;
  readonly #producers = new Map<Kind, ms.Producer>();
  readonly #consumers = new Map<string, RemoteConsumer>();
  readonly #consuming = new Set<string>();
  /** Producers announced while the receive transport was not ready. */
  #waitingProducers: Array<{ producerId: string; userId: string; kind: Kind }> = [];
  readonly #remoteStreams = new Map<string, MediaStream>();
  #published: MediaStream | null = null;
  #joined = false;
  #joining: Promise<void> | null = null;
  #closed = false;

  private constructor(
    client: CounselClient,
    signalling: CallSignalling,
    info: Pick<CallInfo, 'callId' | 'threadId' | 'callerId'> & { participants: CallParticipant[] },
    options: VideoCallOptions,
    crypto: FrameCrypto | null,
  ) {
    this.#client = client;
    this.#signalling = signalling;
    this.#options = options;
    this.#crypto = crypto;
    this.callId = info.callId;
    this.threadId = info.threadId;
    this.callerId = info.callerId;
    this.#participants = info.participants;
    this.e2ee = crypto !== null;
    this.#unsubscribe = signalling.onEvent((event) => this.#onEvent(event));
    const early = keyInbox(signalling).get(info.callId) ?? [];
    keyInbox(signalling).delete(info.callId);
    for (const event of early) this.#onKey(event);
  }

  /**
   * Subscribes to incoming calls. Use this (rather than `signalling.onEvent`) to be told of a
   * ring: it also keeps the media key envelopes that arrive before {@link answer} is called.
   */
  static onRing(signalling: CallSignalling, listener: (ring: CallRing) => void): () => void {
    keyInbox(signalling);
    return signalling.onEvent((event) => {
      if (event.type === 'call.ring') listener(event);
    });
  }

  /** The counsellor calls the thread's seeker (plus `invitees` in a group session). */
  static async start(
    client: CounselClient,
    signalling: CallSignalling,
    threadId: string,
    options: VideoCallOptions = {},
  ): Promise<VideoCall> {
    keyInbox(signalling);
    // Fail closed before anyone is rung: without frame encryption there is no call.
    const crypto = VideoCall.#frameCrypto(options);
    let info: CallInfo;
    try {
      info = await signalling.start(threadId, options.invitees);
    } catch (error) {
      crypto?.close();
      throw error;
    }
    const call = new VideoCall(client, signalling, info, options, crypto);
    if (call.e2ee) {
      try {
        await call.#enqueueKeyWork(() => call.#rekey());
      } catch (error) {
        await signalling.end(info.callId).catch(() => {});
        call.#teardown();
        throw error;
      }
    }
    return call;
  }

  /** Accepts a ring. Throws ENCRYPTION_UNAVAILABLE (before accepting) when media cannot be encrypted. */
  static async answer(
    client: CounselClient,
    signalling: CallSignalling,
    ring: Pick<CallRing, 'callId' | 'threadId' | 'callerId'>,
    options: VideoCallOptions = {},
  ): Promise<VideoCall> {
    keyInbox(signalling);
    const crypto = VideoCall.#frameCrypto(options);
    try {
      await signalling.accept(ring.callId);
    } catch (error) {
      crypto?.close();
      throw error;
    }
    return new VideoCall(client, signalling, { ...ring, participants: [] }, options, crypto);
  }

  static #frameCrypto(options: VideoCallOptions): FrameCrypto | null {
    if (options.e2ee === false) return null;
    requireFrameEncryption(options.frameEncryption);
    return new FrameCrypto({
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
      ...(options.worker ? { worker: options.worker } : {}),
      ...(options.frameEncryption ? { mode: options.frameEncryption } : {}),
    });
  }

  get isCaller(): boolean {
    return this.#client.userId === this.callerId;
  }

  get frameEncryptionMode(): FrameEncryptionMode | null {
    return this.#crypto?.mode ?? null;
  }

  get currentGeneration(): number | null {
    return this.#currentGeneration < 0 ? null : this.#currentGeneration;
  }

  get remoteStreams(): ReadonlyMap<string, MediaStream> {
    return this.#remoteStreams;
  }

  get producerIds(): Partial<Record<Kind, string>> {
    const ids: Partial<Record<Kind, string>> = {};
    for (const [kind, producer] of this.#producers) ids[kind] = producer.id;
    return ids;
  }

  on(listener: (event: VideoCallEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called with each remote participant's stream whenever a track is added to it. */
  onRemoteStream(listener: (userId: string, stream: MediaStream) => void): () => void {
    return this.on((event) => {
      if (event.type === 'remote-stream') listener(event.userId, event.stream);
    });
  }

  /** Enters the media room: transports, then every producer already there. */
  join(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The call is over'));
    if (this.#joined) return Promise.resolve();
    this.#joining ??= this.#joinRoom().finally(() => {
      this.#joining = null;
    });
    return this.#joining;
  }

  /** Sends the camera and microphone tracks of `stream` (frames encrypted before they leave). */
  async publish(stream: MediaStream): Promise<void> {
    await this.join();
    this.#published = stream;
    for (const track of stream.getTracks()) await this.#produce(track);
  }

  /** Mutes/unmutes our own audio or video (the producer pauses; nothing is sent while paused). */
  async mute(kind: Kind, muted: boolean): Promise<void> {
    const producer = this.#producers.get(kind);
    if (!producer) return;
    if (muted) producer.pause();
    else producer.resume();
  }

  /** Leaves the call; for a 1:1 call the server ends it for the other side too. */
  async leave(): Promise<void> {
    if (this.#closed) return;
    await this.#signalling.leave(this.callId).catch(() => {});
    this.#teardown();
  }

  /** Ends the call for everyone. */
  async end(): Promise<void> {
    if (this.#closed) return;
    await this.#signalling.end(this.callId).catch(() => {});
    this.#teardown();
  }

  /** The frame-encryption worker's counters (null without E2EE). */
  frameStats(): Promise<WorkerStats | null> {
    return this.#crypto ? this.#crypto.stats() : Promise.resolve(null);
  }

  get frameErrors(): readonly string[] {
    return this.#crypto?.errors ?? [];
  }

  /** `inbound-rtp` statistics of every remote track we receive. */
  async receiveStats(): Promise<InboundVideoStats[]> {
    const result: InboundVideoStats[] = [];
    for (const { consumer, userId } of this.#consumers.values()) {
      const report = await consumer.getStats();
      report.forEach((entry: Record<string, unknown>) => {
        if (entry.type !== 'inbound-rtp') return;
        result.push({
          userId,
          kind: consumer.kind as Kind,
          framesDecoded: Number(entry.framesDecoded ?? 0),
          framesReceived: Number(entry.framesReceived ?? 0),
          packetsReceived: Number(entry.packetsReceived ?? 0),
          bytesReceived: Number(entry.bytesReceived ?? 0),
          frameWidth: typeof entry.frameWidth === 'number' ? entry.frameWidth : null,
        });
      });
    }
    return result;
  }

  /** TESTS ONLY (needs `testHooks: true`): the media keys by generation, base64. */
  testMediaKeys(): Record<number, string> {
    if (!this.#options.testHooks) throw new Error('testMediaKeys() needs the testHooks option');
    const keys: Record<number, string> = {};
    for (const [generation, key] of this.#keys) keys[generation] = toB64(key);
    return keys;
  }

  // -- media --

  async #joinRoom(): Promise<void> {
    const device = (this.#device ??= new Device());
    if (!device.loaded) {
      // call.join carries our receive capabilities, but a Device can state them only once it
      // knows the router's: the first join (no capabilities) returns those, the second replaces
      // the peer with one that has ours. Nothing is created in between.
      const probe = await this.#signalling.join(this.callId, {});
      await device.load({ routerRtpCapabilities: probe.routerRtpCapabilities as unknown as ms.RtpCapabilities });
    }
    const info = await this.#signalling.join(this.callId, device.rtpCapabilities as unknown as Record<string, unknown>);
    if (this.#closed) return;
    this.#setParticipants(info.participants);
    const settings = this.#crypto ? peerConnectionSettings(this.#crypto.mode) : {};
    const iceServers = info.iceServers as RTCIceServer[];
    this.#sendTransport = this.#makeTransport(device, await this.#signalling.createTransport(this.callId, 'send'), 'send', iceServers, settings);
    this.#recvTransport = this.#makeTransport(device, await this.#signalling.createTransport(this.callId, 'recv'), 'recv', iceServers, settings);
    this.#joined = true;
    const waiting = [...info.producers, ...this.#waitingProducers];
    this.#waitingProducers = [];
    await Promise.all(waiting.map((producer) => this.#consume(producer.producerId, producer.userId, producer.kind)));
  }

  #makeTransport(
    device: Device,
    params: TransportInfo,
    direction: 'send' | 'recv',
    iceServers: RTCIceServer[],
    additionalSettings: Partial<RTCConfiguration>,
  ): ms.Transport {
    const options = {
      id: params.id,
      iceParameters: params.iceParameters as unknown as ms.IceParameters,
      iceCandidates: params.iceCandidates as unknown as ms.IceCandidate[],
      dtlsParameters: params.dtlsParameters as unknown as ms.DtlsParameters,
      iceServers,
      additionalSettings,
    };
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#signalling
        .connect(this.callId, transport.id, dtlsParameters as unknown as Record<string, unknown>)
        .then(callback, errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        this.#signalling
          .produce(this.callId, transport.id, kind, rtpParameters as unknown as Record<string, unknown>)
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed') this.#emit({ type: 'error', error: new Error(`${direction} transport failed`) });
    });
    return transport;
  }

  async #produce(track: MediaStreamTrack): Promise<void> {
    const transport = this.#sendTransport;
    const device = this.#device;
    if (!transport || !device) throw new Error('Not joined');
    const kind = track.kind as Kind;
    if (this.#producers.has(kind)) return;
    let codec: ms.RtpCodecCapability | undefined;
    if (kind === 'video') {
      // The frame format keeps VP8's payload header in the clear; other codecs are not sent encrypted.
      codec = device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
      if (!codec && this.#crypto) {
        throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, 'VP8 is required for encrypted video');
      }
    }
    const crypto = this.#crypto;
    const producer = await transport.produce({
      track,
      stopTracks: false,
      ...(codec ? { codec } : {}),
      ...(crypto ? { onRtpSender: (sender: RTCRtpSender) => crypto.attachSender(sender, kind) } : {}),
    });
    this.#producers.set(kind, producer);
    producer.on('transportclose', () => this.#producers.delete(kind));
  }

  async #consume(producerId: string, userId: string, kind: Kind): Promise<void> {
    if (userId === this.#client.userId || this.#closed) return;
    const transport = this.#recvTransport;
    if (!transport || !this.#joined) {
      this.#waitingProducers.push({ producerId, userId, kind });
      return;
    }
    if (this.#consuming.has(producerId)) return;
    for (const entry of this.#consumers.values()) if (entry.producerId === producerId) return;
    this.#consuming.add(producerId);
    try {
      const params = await this.#signalling.consume(this.callId, transport.id, producerId);
      const crypto = this.#crypto;
      const consumer = await transport.consume({
        id: params.id,
        producerId,
        kind: params.kind,
        rtpParameters: params.rtpParameters as unknown as ms.RtpParameters,
        ...(crypto ? { onRtpReceiver: (receiver: RTCRtpReceiver) => crypto.attachReceiver(receiver, params.kind) } : {}),
      });
      this.#consumers.set(consumer.id, { consumer, userId, producerId });
      consumer.on('transportclose', () => this.#dropConsumer(consumer.id));
      consumer.on('trackended', () => this.#dropConsumer(consumer.id));
      await this.#signalling.resume(this.callId, consumer.id);
      let stream = this.#remoteStreams.get(userId);
      if (!stream) {
        stream = new MediaStream();
        this.#remoteStreams.set(userId, stream);
      }
      stream.addTrack(consumer.track);
      this.#emit({ type: 'remote-stream', userId, stream });
    } catch (error) {
      this.#emit({ type: 'error', error: error instanceof Error ? error : new Error(String(error)) });
    } finally {
      this.#consuming.delete(producerId);
    }
  }

  #dropConsumer(consumerId: string): void {
    const entry = this.#consumers.get(consumerId);
    if (!entry) return;
    this.#consumers.delete(consumerId);
    if (!entry.consumer.closed) entry.consumer.close();
    this.#remoteStreams.get(entry.userId)?.removeTrack(entry.consumer.track);
    this.#emit({ type: 'remote-track-ended', userId: entry.userId, kind: entry.consumer.kind as Kind });
  }

  #closeMedia(): void {
    for (const id of [...this.#consumers.keys()]) this.#dropConsumer(id);
    for (const producer of this.#producers.values()) producer.close();
    this.#producers.clear();
    this.#sendTransport?.close();
    this.#recvTransport?.close();
    this.#sendTransport = null;
    this.#recvTransport = null;
    this.#joined = false;
  }

  async #rejoin(): Promise<void> {
    this.#closeMedia();
    // The room is new but the call, its participants and its media keys are the same.
    await this.join();
    const stream = this.#published;
    if (stream) for (const track of stream.getTracks()) if (track.readyState === 'live') await this.#produce(track);
    this.#emit({ type: 'rejoined' });
  }

  // -- signalling events --

  #onEvent(event: CallEvent): void {
    if (!('callId' in event) || event.callId !== this.callId || this.#closed) return;
    switch (event.type) {
      case 'call.key':
        this.#onKey(event);
        return;
      case 'call.new-producer':
        void this.#consume(event.producerId, event.userId, event.kind);
        return;
      case 'call.producer-closed':
        for (const [id, entry] of this.#consumers) if (entry.producerId === event.producerId) this.#dropConsumer(id);
        return;
      case 'call.consumer-closed':
        this.#dropConsumer(event.consumerId);
        return;
      case 'call.peer-joined':
        this.#departed.delete(event.userId);
        this.#emit({ type: 'peer-joined', userId: event.userId });
        if (this.isCaller && this.e2ee && event.userId !== this.#client.userId) this.#scheduleRekey(250);
        return;
      case 'call.peer-left':
        this.#departed.add(event.userId);
        this.#emit({ type: 'peer-left', userId: event.userId });
        // Whoever left must not read what follows: a new generation for those who remain.
        if (this.isCaller && this.e2ee && event.userId !== this.#client.userId) this.#scheduleRekey(0, true);
        return;
      case 'call.rejoin':
        void this.#rejoin().catch((error: unknown) =>
          this.#emit({ type: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
        );
        return;
      case 'call.ended':
        this.#teardown();
        this.#emit({ type: 'ended', reason: event.reason });
        return;
      default:
        return;
    }
  }

  // -- media keys --

  #enqueueKeyWork(work: () => Promise<void>): Promise<void> {
    const next = this.#keyChain.then(work);
    this.#keyChain = next.catch(() => {});
    return next;
  }

  #setParticipants(participants: CallParticipant[]): void {
    if (participants.length > 0) this.#participants = participants;
    const pending = this.#pendingKeys;
    this.#pendingKeys = [];
    for (const event of pending) this.#onKey(event);
  }

  #onKey(event: KeyEvent): void {
    if (!this.#crypto) return;
    if (this.#participants.length === 0) {
      // The creator's keys come with the join answer.
      if (this.#pendingKeys.length < INBOX_LIMIT) this.#pendingKeys.push(event);
      return;
    }
    void this.#enqueueKeyWork(async () => {
      if (this.#closed || this.#keys.has(event.generation)) return;
      if (event.creatorId !== this.callerId) throw new CryptoError(CryptoFailure.BAD_ENVELOPE, 'A media key not made by the caller');
      const creator = this.#participants.find((participant) => participant.userId === event.creatorId);
      if (!creator) throw new CryptoError(CryptoFailure.UNKNOWN_SENDER, 'The media key creator is not a participant');
      const key = await this.#client.openCallKey(event, creator);
      this.#install(event.generation, key);
    }).catch((error: unknown) => this.#emit({ type: 'error', error: error instanceof Error ? error : new Error(String(error)) }));
  }

  #install(generation: number, key: Uint8Array): void {
    if (!this.#crypto || this.#closed) return;
    this.#keys.set(generation, key);
    const current = generation > this.#currentGeneration;
    if (current) this.#currentGeneration = generation;
    this.#crypto.setKey(generation, key, current);
    this.#emit({ type: 'key', generation, current });
  }

  /**
   * Coalesces rotations (a join is often two `call.join`s). `mustSucceed`: after a departure, a
   * failed rotation would leave the departed participant able to read on, so the call ends.
   */
  #scheduleRekey(delayMs: number, mustSucceed = false): void {
    if (this.#rekeyTimer) clearTimeout(this.#rekeyTimer);
    this.#rekeyMustSucceed ||= mustSucceed;
    this.#rekeyTimer = setTimeout(() => {
      this.#rekeyTimer = null;
      const critical = this.#rekeyMustSucceed;
      this.#rekeyMustSucceed = false;
      void this.#enqueueKeyWork(() => this.#rekey()).catch(async (error: unknown) => {
        this.#emit({ type: 'error', error: error instanceof Error ? error : new Error(String(error)) });
        if (critical) await this.end();
      });
    }, delayMs);
  }

  /** (Caller) A new generation, sealed to every participant still in the call, then used to send. */
  async #rekey(): Promise<void> {
    if (!this.#crypto || this.#closed) return;
    const generation = this.#currentGeneration + 1;
    if (generation > 255) {
      // Out of generations: a departed participant could keep reading, so stop (fail closed).
      await this.end();
      throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, 'No media key generation left; the call was ended');
    }
    const recipients = this.#participants.filter((participant) => !this.#departed.has(participant.userId));
    const { mediaKey, envelopes } = await this.#client.prepareCallKey(this.threadId, this.callId, generation, recipients);
    if (this.#closed) return;
    // Receive with it at once; send with it once the envelopes are relayed, so the others can
    // decrypt from the first frame.
    this.#keys.set(generation, mediaKey);
    this.#crypto.setKey(generation, mediaKey, false);
    await this.#signalling.sendKey(this.callId, generation, envelopes);
    // A participant's reply can race ahead only with a generation we made, so this stays newest.
    await sleep(0);
    if (this.#closed) return;
    this.#currentGeneration = Math.max(this.#currentGeneration, generation);
    this.#crypto.setCurrent(generation);
    this.#emit({ type: 'key', generation, current: true });
  }

  #emit(event: VideoCallEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  #teardown(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#rekeyTimer) clearTimeout(this.#rekeyTimer);
    this.#unsubscribe();
    this.#closeMedia();
    this.#crypto?.close();
    for (const key of this.#keys.values()) key.fill(0);
    this.#keys.clear();
  }
}

