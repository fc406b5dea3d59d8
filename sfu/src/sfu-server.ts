import type { types as ms } from 'mediasoup';
import type { SfuConfig } from './config.ts';
import { SfuError } from './errors.ts';
import { noopLogger, type SfuLogger } from './logger.ts';
import { Room, type RoomMeta } from './room.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { loadMediasoup, type Mediasoup } from './worker-binary.ts';

/** Events emitted by {@link SfuServer}, mainly for logs, metrics and tests. */
export interface SfuServerEvents {
  /** A worker process died; its rooms have already emitted 'closed' with reason 'worker-died'. */
  'worker-died': { index: number; pid: number; error: Error };
  /** The dead worker of slot `index` was replaced by a new process. */
  'worker-replaced': { index: number; oldPid: number; newPid: number };
}

/** An ICE server entry as `RTCPeerConnection` / mediasoup-client take it. */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

interface WorkerEntry {
  worker: ms.Worker;
  webRtcServer: ms.WebRtcServer;
}

/** A fixed position in the pool: its port never changes, its worker may be replaced. */
interface WorkerSlot {
  index: number;
  port: number;
  /** null while the slot's worker is being replaced. */
  entry: WorkerEntry | null;
  /** Settles when the slot has a worker again (null if the server closed first). Never rejects. */
  ready: Promise<WorkerEntry | null>;
}

const MAX_REPLACE_BACKOFF_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Owns the mediasoup workers (one WebRtcServer each, on `port + index`) and the
 * rooms. Rooms are spread over workers round-robin; a crashed worker is
 * replaced in place, and its rooms are closed with reason 'worker-died' so the
 * signalling layer can ask clients to rejoin.
 */
export class SfuServer extends TypedEmitter<SfuServerEvents> {
  readonly #config: SfuConfig;
  readonly #mediasoup: Mediasoup;
  readonly #logger: SfuLogger;
  readonly #slots: WorkerSlot[];
  readonly #rooms = new Map<string, Room>();
  /** In-flight creations, so concurrent callers for one room id share a single Room. */
  readonly #pending = new Map<string, Promise<Room>>();
  #nextSlot = 0;
  #closed = false;

  /**
   * Loads mediasoup and starts `config.numWorkers` workers with their WebRtcServers.
   *
   * @throws SfuError VIDEO_UNAVAILABLE when no worker binary exists; the
   *   mediasoup error when a worker cannot start (e.g. the port is taken).
   */
  static async create(config: SfuConfig, logger: SfuLogger = noopLogger): Promise<SfuServer> {
    const mediasoup = await loadMediasoup();
    const server = new SfuServer(config, mediasoup, logger);
    if (config.announcedIp === null && (config.listenIp === '0.0.0.0' || config.listenIp === '::')) {
      logger.warn({ listenIp: config.listenIp }, 'SFU_ANNOUNCED_IP is not set: ICE candidates will carry a wildcard address');
    }
    try {
      for (const slot of server.#slots) {
        const entry = await server.#startWorker(slot);
        slot.entry = entry;
        slot.ready = Promise.resolve(entry);
      }
    } catch (error) {
      server.close();
      throw error;
    }
    logger.info({ workers: server.workerPids(), port: config.port }, 'SFU started');
    return server;
  }

  private constructor(config: SfuConfig, mediasoup: Mediasoup, logger: SfuLogger) {
    super((error, event) => logger.error({ err: error, event }, 'sfu listener threw'));
    this.#config = config;
    this.#mediasoup = mediasoup;
    this.#logger = logger;
    this.#slots = Array.from({ length: config.numWorkers }, (_, index) => ({
      index,
      port: config.port + index,
      entry: null,
      ready: Promise.resolve(null),
    }));
  }

  /** The configuration the server was started with. */
  get config(): SfuConfig {
    return this.#config;
  }

  /** Whether {@link close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Number of open rooms. */
  get roomCount(): number {
    return this.#rooms.size;
  }

  /** TURN servers to hand to clients alongside transport parameters; empty without TURN. */
  get iceServers(): IceServer[] {
    const turn = this.#config.turn;
    return turn ? [{ urls: [...turn.urls], username: turn.username, credential: turn.credential }] : [];
  }

  /** The open room with this id, if any. */
  getRoom(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  /** Ids of all open rooms. */
  roomIds(): string[] {
    return [...this.#rooms.keys()];
  }

  /** PIDs of the live workers in slot order; a slot being replaced is left out. */
  workerPids(): number[] {
    const pids: number[] = [];
    for (const slot of this.#slots) if (slot.entry) pids.push(slot.entry.worker.pid);
    return pids;
  }

  /**
   * Returns the open room `roomId`, creating it on the next worker if needed.
   * Concurrent calls for one id are serialised and get the same Room; `meta`
   * is taken from the call that creates the room.
   *
   * @throws SfuError SERVER_CLOSED
   */
  getOrCreateRoom(roomId: string, meta: RoomMeta = {}): Promise<Room> {
    if (this.#closed) return Promise.reject(new SfuError('SERVER_CLOSED', 'the SFU is closed'));
    const existing = this.#rooms.get(roomId);
    if (existing && !existing.closed) return Promise.resolve(existing);
    const pending = this.#pending.get(roomId);
    if (pending) return pending;
    const creation = this.#createRoom(roomId, meta).finally(() => this.#pending.delete(roomId));
    this.#pending.set(roomId, creation);
    return creation;
  }

  /** Closes every room (reason 'server-closed') and every worker. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of [...this.#rooms.values()]) room.close('server-closed');
    this.#rooms.clear();
    for (const slot of this.#slots) {
      // Worker.close() drops its 'exit' listener, so no 'died' follows.
      slot.entry?.worker.close();
      slot.entry = null;
    }
    this.removeAllListeners();
    this.#logger.info({}, 'SFU closed');
  }

  async #createRoom(roomId: string, meta: RoomMeta): Promise<Room> {
    // A worker can die between picking it and creating the router: try the
    // next one rather than failing the caller, at most once per slot.
    for (let attempt = 0; ; attempt++) {
      const entry = await this.#pickWorker();
      let room: Room;
      try {
        room = await Room.create({
          id: roomId,
          worker: entry.worker,
          webRtcServer: entry.webRtcServer,
          meta,
          joinTimeoutMs: this.#config.joinTimeoutMs,
          logger: this.#logger,
        });
      } catch (error) {
        // close() closes the workers, which fails an in-flight createRouter with "Channel closed".
        if (this.#closed) throw new SfuError('SERVER_CLOSED', 'the SFU closed while the room was created', { cause: error });
        if (entry.worker.died && attempt < this.#slots.length) continue;
        throw error;
      }
      if (this.#closed) {
        room.close('server-closed');
        throw new SfuError('SERVER_CLOSED', 'the SFU closed while the room was created');
      }
      this.#rooms.set(roomId, room);
      room.once('closed', ({ reason }) => {
        if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
        this.#logger.debug({ roomId, reason }, 'room removed');
      });
      this.#logger.info({ roomId, workerPid: entry.worker.pid }, 'room created');
      return room;
    }
  }

  /** Round-robin over live workers; waits for a replacement if every worker is down. */
  async #pickWorker(): Promise<WorkerEntry> {
    for (;;) {
      if (this.#closed) throw new SfuError('SERVER_CLOSED', 'the SFU is closed');
      const n = this.#slots.length;
      for (let i = 0; i < n; i++) {
        const slot = this.#slots[(this.#nextSlot + i) % n];
        if (slot?.entry && !slot.entry.worker.died) {
          this.#nextSlot = (slot.index + 1) % n;
          return slot.entry;
        }
      }
      await Promise.race(this.#slots.map((slot) => slot.ready));
    }
  }

  async #startWorker(slot: WorkerSlot): Promise<WorkerEntry> {
    const worker = await this.#mediasoup.createWorker({ logLevel: 'warn', appData: { index: slot.index } });
    let webRtcServer: ms.WebRtcServer;
    try {
      const { listenIp: ip, announcedIp } = this.#config;
      const listen = { ip, port: slot.port, ...(announcedIp ? { announcedIp } : {}) };
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...listen },
          { protocol: 'tcp', ...listen },
        ],
      });
    } catch (error) {
      worker.close();
      throw error;
    }
    worker.once('died', (error) => this.#onWorkerDied(slot, worker, error));
    return { worker, webRtcServer };
  }

  #onWorkerDied(slot: WorkerSlot, worker: ms.Worker, error: Error): void {
    if (this.#closed || slot.entry?.worker !== worker) return;
    const pid = worker.pid;
    this.#logger.error({ err: error, pid, index: slot.index }, 'mediasoup worker died, replacing it');
    slot.entry = null;
    // Normally already done through each router's 'workerclose'; this catches any room that missed it.
    for (const room of [...this.#rooms.values()]) {
      if (room.workerPid === pid) room.close('worker-died');
    }
    slot.ready = this.#replaceWorker(slot, pid);
    this.emit('worker-died', { index: slot.index, pid, error });
  }

  /**
   * Starts a new worker in the slot. The dead process has already been reaped
   * when 'died' fires, so its port is free again; retries with backoff cover
   * a transient failure (e.g. another process grabbed the port meanwhile).
   */
  async #replaceWorker(slot: WorkerSlot, oldPid: number): Promise<WorkerEntry | null> {
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        const entry = await this.#startWorker(slot);
        if (this.#closed) {
          entry.worker.close();
          return null;
        }
        slot.entry = entry;
        this.#logger.info({ index: slot.index, oldPid, newPid: entry.worker.pid }, 'mediasoup worker replaced');
        this.emit('worker-replaced', { index: slot.index, oldPid, newPid: entry.worker.pid });
        return entry;
      } catch (error) {
        const delay = Math.min(100 * 2 ** attempt, MAX_REPLACE_BACKOFF_MS);
        this.#logger.error({ err: error, index: slot.index, attempt, delay }, 'could not replace mediasoup worker');
        await sleep(delay);
      }
    }
    return null;
  }
}
