/**
 * The SFU service layer: mediasoup workers, rooms, peers. Import from here;
 * mediasoup itself is only ever loaded through {@link loadMediasoup}.
 */
export { loadSfuConfig, SfuConfigError, type SfuConfig, type TurnConfig } from './config.ts';
export { SfuError, type SfuErrorCode } from './errors.ts';
export { noopLogger, type SfuLogger } from './logger.ts';
export {
  Peer,
  MAX_PRODUCERS_PER_PEER,
  MAX_TRANSPORTS_PER_PEER,
  type ConsumerParams,
  type PeerCloseReason,
  type PeerEvents,
  type PeerOptions,
  type TransportDirection,
  type TransportParams,
} from './peer.ts';
export {
  Room,
  DEFAULT_MEDIA_CODECS,
  type ProducerInfo,
  type RoomCloseReason,
  type RoomEvents,
  type RoomMeta,
  type RoomOptions,
} from './room.ts';
export { SfuServer, type IceServer, type SfuServerEvents } from './sfu-server.ts';
export { TypedEmitter, type Listener, type ListenerErrorHandler } from './typed-emitter.ts';
export { ensureWorkerBinary, loadMediasoup, mediasoupVersion, videoAvailability, type Mediasoup } from './worker-binary.ts';
