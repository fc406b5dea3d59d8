import type { types as ms } from 'mediasoup';
import { SfuError, wrapClientError } from './errors.ts';
import { noopLogger, type SfuLogger } from './logger.ts';
import { TypedEmitter } from './typed-emitter.ts';

/** Send transports carry the peer's producers, receive transports its consumers. */
export type TransportDirection = 'send' | 'recv';

/** What the client needs to build its mediasoup-client Transport. */
export interface TransportParams {
  id: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
  sctpParameters?: ms.SctpParameters;
}

/** What the client needs for `recvTransport.consume()`. The consumer starts paused. */
export interface ConsumerParams {
  id: string;
  producerId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  type: ms.ConsumerType;
  producerPaused: boolean;
}

/** Why a peer closed. */
export type PeerCloseReason = 'left' | 'replaced' | 'room-closed';

/** Events emitted by {@link Peer}. The owning Room subscribes to them. */
export interface PeerEvents {
  /** The peer created a producer. */
  'new-producer': { producerId: string; kind: ms.MediaKind };
  /** One of the peer's producers closed while the peer stayed (explicit close or its transport closed). */
  'producer-closed': { producerId: string };
  /** One of the peer's consumers closed while the peer stayed, usually because the remote producer went away. */
  'consumer-closed': { consumerId: string; producerId: string };
  /** The peer closed; it emits nothing afterwards. */
  closed: { reason: PeerCloseReason };
}

/**
 * One client session in a room. Limits bound what a single client can make
 * the worker allocate: send + recv plus slack for an ICE-failure rebuild, and
 * microphone + camera + screen share plus slack.
 */
export const MAX_TRANSPORTS_PER_PEER = 4;
export const MAX_PRODUCERS_PER_PEER = 4;

/** Constructor options for {@link Peer}; built by the Room, never by the signalling layer. */
export interface PeerOptions {
  id: string;
  userId: string;
  router: ms.Router;
  webRtcServer: ms.WebRtcServer;
  rtpCapabilities?: ms.RtpCapabilities;
  logger?: SfuLogger;
}

type PeerTransport = ms.WebRtcTransport<{ direction: TransportDirection }>;

/**
 * A participant's media state: its WebRtcTransports, producers and consumers.
 *
 * The Peer gets the router and WebRtcServer, never the Room: the Room wires
 * listeners onto the Peer, so ownership stays a tree (server → room → peer)
 * and a closed room cannot be reached back through a stale peer.
 */
export class Peer extends TypedEmitter<PeerEvents> {
  readonly id: string;
  readonly userId: string;
  readonly #router: ms.Router;
  readonly #webRtcServer: ms.WebRtcServer;
  readonly #logger: SfuLogger;
  readonly #transports = new Map<string, PeerTransport>();
  readonly #producers = new Map<string, ms.Producer>();
  readonly #consumers = new Map<string, ms.Consumer>();
  #rtpCapabilities: ms.RtpCapabilities | undefined;
  #pendingTransports = 0;
  #closed = false;

  constructor(options: PeerOptions) {
    const logger = options.logger ?? noopLogger;
    super((error, event) => logger.error({ err: error, event, peerId: options.id }, 'peer listener threw'));
    this.id = options.id;
    this.userId = options.userId;
    this.#router = options.router;
    this.#webRtcServer = options.webRtcServer;
    this.#rtpCapabilities = options.rtpCapabilities;
    this.#logger = logger;
  }

  /** Whether {@link close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The capabilities given at join; used by {@link consume} when none are passed. */
  get rtpCapabilities(): ms.RtpCapabilities | undefined {
    return this.#rtpCapabilities;
  }

  /** Read-only views, for diagnostics and tests. */
  get transports(): ReadonlyMap<string, ms.WebRtcTransport> {
    return this.#transports;
  }
  get producers(): ReadonlyMap<string, ms.Producer> {
    return this.#producers;
  }
  get consumers(): ReadonlyMap<string, ms.Consumer> {
    return this.#consumers;
  }

  /**
   * Creates a WebRtcTransport on the worker's WebRtcServer, so every transport
   * shares the worker's single UDP/TCP port instead of opening one per transport.
   */
  async createTransport(direction: TransportDirection): Promise<TransportParams> {
    this.#assertOpen();
    if (this.#transports.size + this.#pendingTransports >= MAX_TRANSPORTS_PER_PEER) {
      throw new SfuError('TOO_MANY_TRANSPORTS', `a peer may hold at most ${MAX_TRANSPORTS_PER_PEER} transports`);
    }
    this.#pendingTransports++;
    let transport: PeerTransport;
    try {
      transport = await this.#router.createWebRtcTransport<{ direction: TransportDirection }>({
        webRtcServer: this.#webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: 1_000_000,
        appData: { direction },
      });
    } finally {
      this.#pendingTransports--;
    }
    if (this.#closed) {
      transport.close();
      throw new SfuError('PEER_CLOSED', `peer ${this.id} closed while its transport was created`);
    }
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    transport.on('dtlsstatechange', (state) => {
      // 'failed' is terminal and 'closed' means the client tore down its
      // PeerConnection: free the worker resources now, not at peer close.
      if (state === 'failed' || state === 'closed') {
        this.#logger.warn({ peerId: this.id, transportId: transport.id, state }, 'transport DTLS ended, closing it');
        transport.close();
      }
    });
    if (direction === 'send') {
      // Caps what one client can push into the worker; errors only mean the transport is gone.
      await transport.setMaxIncomingBitrate(1_500_000).catch(() => {});
    }
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
    };
  }

  /** Completes the DTLS handshake parameters from the client's `connect` event. */
  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const transport = this.assertTransport(transportId);
    try {
      await transport.connect({ dtlsParameters });
    } catch (error) {
      throw wrapClientError(error, 'connectTransport');
    }
  }

  /** Creates a producer on one of this peer's send transports; returns its id. */
  async produce(
    transportId: string,
    kind: ms.MediaKind,
    rtpParameters: ms.RtpParameters,
    appData: Record<string, unknown> = {},
  ): Promise<string> {
    const transport = this.#assertDirection(this.assertTransport(transportId), 'send');
    if (this.#producers.size >= MAX_PRODUCERS_PER_PEER) {
      throw new SfuError('TOO_MANY_PRODUCERS', `a peer may hold at most ${MAX_PRODUCERS_PER_PEER} producers`);
    }
    let producer: ms.Producer;
    try {
      // The peer id is stamped last so a client cannot impersonate another peer through appData.
      producer = await transport.produce({ kind, rtpParameters, appData: { ...appData, peerId: this.id } });
    } catch (error) {
      throw wrapClientError(error, 'produce');
    }
    if (this.#closed) {
      producer.close();
      throw new SfuError('PEER_CLOSED', `peer ${this.id} closed while producing`);
    }
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      if (this.#childEventsWanted()) this.emit('producer-closed', { producerId: producer.id });
    });
    this.emit('new-producer', { producerId: producer.id, kind: producer.kind });
    return producer.id;
  }

  /**
   * Creates a PAUSED consumer of `producerId` on one of this peer's receive
   * transports. Paused because the client must first create its local consumer
   * and then call {@link resumeConsumer}; otherwise the first packets (and the
   * key frame) arrive before the client can decode them.
   *
   * @param rtpCapabilities the client's device capabilities; defaults to those given at join.
   */
  async consume(transportId: string, producerId: string, rtpCapabilities?: ms.RtpCapabilities): Promise<ConsumerParams> {
    const transport = this.#assertDirection(this.assertTransport(transportId), 'recv');
    const caps = rtpCapabilities ?? this.#rtpCapabilities;
    if (!caps) throw new SfuError('CANNOT_CONSUME', 'no RTP capabilities were given at join or with consume');
    let canConsume: boolean;
    try {
      canConsume = this.#router.canConsume({ producerId, rtpCapabilities: caps });
    } catch (error) {
      throw wrapClientError(error, 'consume');
    }
    // canConsume() is also false for an unknown or already closed producer.
    if (!canConsume) throw new SfuError('CANNOT_CONSUME', `cannot consume producer ${producerId} with these RTP capabilities`);
    let consumer: ms.Consumer;
    try {
      consumer = await transport.consume({ producerId, rtpCapabilities: caps, paused: true, appData: { peerId: this.id } });
    } catch (error) {
      throw wrapClientError(error, 'consume');
    }
    if (this.#closed) {
      consumer.close();
      throw new SfuError('PEER_CLOSED', `peer ${this.id} closed while consuming`);
    }
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      this.#consumers.delete(consumer.id);
      if (this.#childEventsWanted()) this.emit('consumer-closed', { consumerId: consumer.id, producerId });
    });
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
      producerPaused: consumer.producerPaused,
    };
  }

  /** Starts media flow on a consumer once the client has set it up. */
  async resumeConsumer(consumerId: string): Promise<void> {
    await this.assertConsumer(consumerId).resume();
  }

  /** Closes one of this peer's producers; other peers' consumers of it close too. */
  closeProducer(producerId: string): void {
    this.assertProducer(producerId).close();
  }

  /** Closes all transports (and thereby producers and consumers). Idempotent. */
  close(reason: PeerCloseReason = 'left'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of [...this.#transports.values()]) transport.close();
    this.#transports.clear();
    this.#producers.clear();
    this.#consumers.clear();
    this.emit('closed', { reason });
    this.removeAllListeners();
  }

  /** @throws SfuError TRANSPORT_NOT_FOUND (also PEER_CLOSED) */
  assertTransport(transportId: string): PeerTransport {
    this.#assertOpen();
    const transport = this.#transports.get(transportId);
    if (!transport) throw new SfuError('TRANSPORT_NOT_FOUND', `transport ${transportId} not found on peer ${this.id}`);
    return transport;
  }

  /** @throws SfuError PRODUCER_NOT_FOUND (also PEER_CLOSED) */
  assertProducer(producerId: string): ms.Producer {
    this.#assertOpen();
    const producer = this.#producers.get(producerId);
    if (!producer) throw new SfuError('PRODUCER_NOT_FOUND', `producer ${producerId} not found on peer ${this.id}`);
    return producer;
  }

  /** @throws SfuError CONSUMER_NOT_FOUND (also PEER_CLOSED) */
  assertConsumer(consumerId: string): ms.Consumer {
    this.#assertOpen();
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new SfuError('CONSUMER_NOT_FOUND', `consumer ${consumerId} not found on peer ${this.id}`);
    return consumer;
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('PEER_CLOSED', `peer ${this.id} is closed`);
  }

  #assertDirection(transport: PeerTransport, direction: TransportDirection): PeerTransport {
    if (transport.appData.direction !== direction) {
      throw new SfuError('WRONG_TRANSPORT_DIRECTION', `transport ${transport.id} is a ${transport.appData.direction} transport`);
    }
    return transport;
  }

  /**
   * Child close events only matter while the peer lives on. When the peer, or
   * the whole router (worker death), goes away, 'closed' / the room's 'closed'
   * already tell the story; a burst of per-producer events would be noise.
   */
  #childEventsWanted(): boolean {
    return !this.#closed && !this.#router.closed;
  }
}
