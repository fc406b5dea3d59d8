import type { types as ms } from 'mediasoup';
import { SfuError } from './errors.ts';
import { noopLogger, type SfuLogger } from './logger.ts';
import { Peer, type PeerCloseReason } from './peer.ts';
import { TypedEmitter } from './typed-emitter.ts';

/**
 * Router codecs. Opus and VP8 cover every current browser; H264 (constrained
 * baseline, the profile hardware encoders and older Safari support) is offered
 * after VP8, so clients pick VP8 when both are possible.
 */
export const DEFAULT_MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
];

/** Opaque data the signalling layer attaches to a room (e.g. thread id, call id). */
export type RoomMeta = Readonly<Record<string, unknown>>;

/**
 * Why a room closed:
 * - `ended`: closed explicitly (default of {@link Room.close});
 * - `empty`: its last peer left;
 * - `join-timeout`: nobody joined in time after creation;
 * - `worker-died`: its mediasoup worker crashed; clients should rejoin (a new room is made);
 * - `worker-closed`: its worker was closed without crashing;
 * - `server-closed`: the SfuServer shut down.
 */
export type RoomCloseReason = 'ended' | 'empty' | 'join-timeout' | 'worker-died' | 'worker-closed' | 'server-closed';

/** Events emitted by {@link Room}; all carry one payload object. */
export interface RoomEvents {
  'peer-joined': { peerId: string; userId: string };
  /** Not emitted for peers closed by the room's own close; 'closed' covers those. */
  'peer-left': { peerId: string; userId: string; reason: PeerCloseReason };
  'new-producer': { peerId: string; producerId: string; kind: ms.MediaKind };
  'producer-closed': { peerId: string; producerId: string };
  /** A consumer of `peerId` closed (typically its producer went away); tell that client to drop it. */
  'consumer-closed': { peerId: string; consumerId: string; producerId: string };
  /** Last event; the room is unusable afterwards. */
  closed: { reason: RoomCloseReason };
}

/** Options of {@link Room.create}; the SfuServer supplies the worker and its WebRtcServer. */
export interface RoomOptions {
  id: string;
  worker: ms.Worker;
  webRtcServer: ms.WebRtcServer;
  meta?: RoomMeta;
  mediaCodecs?: ms.RtpCodecCapability[];
  /** Close the room if nobody joined within this many ms of creation; 0 disables. */
  joinTimeoutMs?: number;
  logger?: SfuLogger;
}

/** A producer as listed for a newly joined peer that must consume what already exists. */
export interface ProducerInfo {
  peerId: string;
  producerId: string;
  kind: ms.MediaKind;
}

/** One call: a mediasoup Router and the peers in it. */
export class Room extends TypedEmitter<RoomEvents> {
  readonly id: string;
  readonly meta: RoomMeta;
  /** PID of the worker process hosting the router; the server matches it when a worker dies. */
  readonly workerPid: number;
  readonly #router: ms.Router;
  readonly #webRtcServer: ms.WebRtcServer;
  readonly #logger: SfuLogger;
  readonly #peers = new Map<string, Peer>();
  #joinTimer: NodeJS.Timeout | null = null;
  #emptyCheckScheduled = false;
  #closed = false;

  /** Creates the room's Router on `options.worker`. */
  static async create(options: RoomOptions): Promise<Room> {
    const router = await options.worker.createRouter({
      mediaCodecs: options.mediaCodecs ?? DEFAULT_MEDIA_CODECS,
      appData: { roomId: options.id },
    });
    // The worker may have died while the request was in flight.
    if (router.closed) throw new SfuError('ROOM_CLOSED', `the worker closed while room ${options.id} was created`);
    return new Room(options, router);
  }

  private constructor(options: RoomOptions, router: ms.Router) {
    const logger = options.logger ?? noopLogger;
    super((error, event) => logger.error({ err: error, event, roomId: options.id }, 'room listener threw'));
    this.id = options.id;
    this.meta = options.meta ?? {};
    this.workerPid = options.worker.pid;
    this.#router = router;
    this.#webRtcServer = options.webRtcServer;
    this.#logger = logger;
    // mediasoup emits 'workerclose' on every router before the worker's 'died',
    // so the room learns first and can tell its clients why.
    router.once('workerclose', () => this.close(options.worker.died ? 'worker-died' : 'worker-closed'));
    const joinTimeoutMs = options.joinTimeoutMs ?? 0;
    if (joinTimeoutMs > 0) {
      // Without this, a room created by a caller that then failed would hold a router forever.
      this.#joinTimer = setTimeout(() => this.close('join-timeout'), joinTimeoutMs);
      this.#joinTimer.unref();
    }
  }

  /** Whether {@link close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** What clients load into their mediasoup-client Device before joining. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#router.rtpCapabilities;
  }

  /**
   * The underlying Router, for server-side pipelines (recording, tests).
   * Do not close it; close the room.
   */
  get router(): ms.Router {
    return this.#router;
  }

  /** Read-only view of the peers by peer id. */
  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers;
  }

  /**
   * Adds a peer. A peer id that is already present is a reconnect of the same
   * client session: the old peer is closed (reason 'replaced') first, so its
   * stale transports do not linger.
   *
   * @throws SfuError ROOM_CLOSED
   */
  join(peerId: string, options: { userId: string; rtpCapabilities?: ms.RtpCapabilities }): Peer {
    if (this.#closed) throw new SfuError('ROOM_CLOSED', `room ${this.id} is closed`);
    this.#peers.get(peerId)?.close('replaced');
    if (this.#joinTimer) {
      clearTimeout(this.#joinTimer);
      this.#joinTimer = null;
    }
    const peer = new Peer({
      id: peerId,
      userId: options.userId,
      router: this.#router,
      webRtcServer: this.#webRtcServer,
      ...(options.rtpCapabilities ? { rtpCapabilities: options.rtpCapabilities } : {}),
      logger: this.#logger,
    });
    this.#peers.set(peerId, peer);
    peer.on('new-producer', ({ producerId, kind }) => {
      if (!this.#closed) this.emit('new-producer', { peerId, producerId, kind });
    });
    peer.on('producer-closed', ({ producerId }) => {
      if (!this.#closed) this.emit('producer-closed', { peerId, producerId });
    });
    peer.on('consumer-closed', ({ consumerId, producerId }) => {
      if (!this.#closed) this.emit('consumer-closed', { peerId, consumerId, producerId });
    });
    peer.once('closed', ({ reason }) => {
      if (this.#peers.get(peerId) === peer) this.#peers.delete(peerId);
      if (this.#closed) return;
      this.emit('peer-left', { peerId, userId: peer.userId, reason });
      this.#scheduleEmptyCheck();
    });
    this.emit('peer-joined', { peerId, userId: options.userId });
    return peer;
  }

  /** The peer with this id, if present. */
  getPeer(peerId: string): Peer | undefined {
    return this.#peers.get(peerId);
  }

  /** @throws SfuError PEER_NOT_FOUND, ROOM_CLOSED */
  assertPeer(peerId: string): Peer {
    if (this.#closed) throw new SfuError('ROOM_CLOSED', `room ${this.id} is closed`);
    const peer = this.#peers.get(peerId);
    if (!peer) throw new SfuError('PEER_NOT_FOUND', `peer ${peerId} is not in room ${this.id}`);
    return peer;
  }

  /** Closes a peer if present (idempotent, so a double hang-up is harmless). Returns whether it was present. */
  leave(peerId: string): boolean {
    const peer = this.#peers.get(peerId);
    if (!peer) return false;
    peer.close('left');
    return true;
  }

  /** Every open producer, optionally without those of one peer (the newcomer itself). */
  listProducers(exceptPeerId?: string): ProducerInfo[] {
    const list: ProducerInfo[] = [];
    for (const peer of this.#peers.values()) {
      if (peer.id === exceptPeerId) continue;
      for (const producer of peer.producers.values()) {
        list.push({ peerId: peer.id, producerId: producer.id, kind: producer.kind });
      }
    }
    return list;
  }

  /** Closes every peer, then the router, then emits 'closed'. Idempotent. */
  close(reason: RoomCloseReason = 'ended'): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#joinTimer) clearTimeout(this.#joinTimer);
    this.#joinTimer = null;
    for (const peer of [...this.#peers.values()]) peer.close('room-closed');
    this.#peers.clear();
    if (!this.#router.closed) this.#router.close();
    this.#logger.info({ roomId: this.id, reason }, 'room closed');
    this.emit('closed', { reason });
    this.removeAllListeners();
  }

  /**
   * Deferred by a tick: a leave immediately followed by a join (e.g. a peer
   * reconnecting, or a handler that leaves one peer and admits another)
   * must not tear the room and its router down in between.
   */
  #scheduleEmptyCheck(): void {
    if (this.#emptyCheckScheduled) return;
    this.#emptyCheckScheduled = true;
    setImmediate(() => {
      this.#emptyCheckScheduled = false;
      if (!this.#closed && this.#peers.size === 0) this.close('empty');
    });
  }
}
