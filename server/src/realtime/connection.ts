import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Actor } from '../context.ts';
import { FrameAdmission } from './frame-admission.ts';
import type { RealtimeLimits } from './limits.ts';
import { SendPressure } from './send-pressure.ts';
import { SyncQueue } from './sync-queue.ts';
import { TokenBucket } from './token-bucket.ts';

/** One WebSocket as the hub keeps it: who it is, and what it may still cost (see limits.ts). */
export interface Connection {
  id: string;
  socket: WebSocket;
  actor: Actor | null;
  /** Hex SHA-256 of the token it authenticated with, to close it when that token is revoked. */
  tokenHash: string | null;
  alive: boolean;
  watched: Set<string>;
  admission: FrameAdmission;
  pressure: SendPressure;
  syncs: SyncQueue;
  /** Closed by the server for a limit: nothing more is read or sent. */
  closing: boolean;
}

export function createConnection(
  socket: WebSocket,
  limits: RealtimeLimits,
  hooks: { onStalled: () => void; runSync: (threadId: string, afterSeq: number) => Promise<void> },
): Connection {
  return {
    id: randomUUID(),
    socket,
    actor: null,
    tokenHash: null,
    alive: true,
    watched: new Set(),
    admission: new FrameAdmission(new TokenBucket(limits.frameBurst, limits.frameRate)),
    pressure: new SendPressure(socket, { boundBytes: limits.sendBufferBytes, stallMs: limits.sendStallMs, onStalled: hooks.onStalled }),
    syncs: new SyncQueue(hooks.runSync),
    closing: false,
  };
}
