/**
 * Stable machine-readable codes of {@link SfuError}. The signalling layer maps
 * them to client-facing errors, so codes are part of the API: never rename one.
 */
export type SfuErrorCode =
  /** No usable mediasoup worker binary; video calls are disabled. */
  | 'VIDEO_UNAVAILABLE'
  /** The SfuServer was closed. */
  | 'SERVER_CLOSED'
  /** The room was closed (possibly while the call was in flight). */
  | 'ROOM_CLOSED'
  /** The peer was closed (left, rejoined elsewhere, or its room closed). */
  | 'PEER_CLOSED'
  | 'PEER_NOT_FOUND'
  | 'TRANSPORT_NOT_FOUND'
  | 'PRODUCER_NOT_FOUND'
  | 'CONSUMER_NOT_FOUND'
  /** The router cannot serve the producer to these RTP capabilities (or the producer is gone). */
  | 'CANNOT_CONSUME'
  /** produce() on a receive transport or consume() on a send transport. */
  | 'WRONG_TRANSPORT_DIRECTION'
  /** Per-peer caps that bound what one client can make the worker allocate. */
  | 'TOO_MANY_TRANSPORTS'
  | 'TOO_MANY_PRODUCERS'
  /** mediasoup rejected client-supplied parameters (RTP/DTLS parameters, capabilities). */
  | 'INVALID_PARAMETERS';

/** The one error type thrown by the SFU layer for expected failures. */
export class SfuError extends Error {
  readonly code: SfuErrorCode;

  constructor(code: SfuErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SfuError';
    this.code = code;
  }
}

/**
 * mediasoup validates client-supplied parameters and throws `TypeError` or its
 * own `UnsupportedError`; those are the client's fault, so they become
 * INVALID_PARAMETERS. Anything else (worker gone, internal bug) is rethrown as is.
 */
export function wrapClientError(error: unknown, what: string): unknown {
  if (error instanceof SfuError) return error;
  if (error instanceof TypeError || (error instanceof Error && error.name === 'UnsupportedError')) {
    return new SfuError('INVALID_PARAMETERS', `${what}: ${error.message}`, { cause: error });
  }
  return error;
}
