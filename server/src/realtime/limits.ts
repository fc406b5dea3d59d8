/** What one WebSocket client may cost an instance (`WS_*` variables, see the README's Real time section). */
export interface RealtimeLimits {
  /** Frames per second one connection may send on average (token bucket refill). */
  frameRate: number;
  /** Frames one connection may send at once (bucket size). */
  frameBurst: number;
  /** The same, shared by all connections of one user on this instance. */
  userFrameRate: number;
  userFrameBurst: number;
  /** Open connections of one user on this instance. */
  maxConnectionsPerUser: number;
  /** Agencies one connection may watch with `presence.watch`. */
  maxWatchedAgencies: number;
  /** Bytes waiting in a connection's send buffer above which it stops being read and catch-up pauses. */
  sendBufferBytes: number;
  /** How long a congested connection may go without reading before it is closed with 4408. */
  sendStallMs: number;
  /** Messages per catch-up page (one database read). */
  syncPageSize: number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  frameRate: 20,
  frameBurst: 60,
  userFrameRate: 50,
  userFrameBurst: 150,
  maxConnectionsPerUser: 10,
  maxWatchedAgencies: 50,
  sendBufferBytes: 1024 * 1024,
  sendStallMs: 15_000,
  syncPageSize: 100,
};
