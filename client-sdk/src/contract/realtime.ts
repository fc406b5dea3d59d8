import { Type, type Static } from '@sinclair/typebox';
import { SeqNumber, Uuid } from './common.ts';
import { MessageView } from './messages.ts';
import { NotificationView } from './notifications.ts';
import { VideoClientFrames, VideoServerFrames } from './video.ts';

/**
 * The WebSocket protocol: one discriminated union per direction, shared by the server and
 * the SDK. Every client frame is validated before dispatch.
 */
export const ClientFrame = Type.Union([
  Type.Object({ type: Type.Literal('auth'), token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) }),
  Type.Object({ type: Type.Literal('ping') }),
  /** Asks for every message of a thread after `afterSeq`, in order; answered by `message` frames then `synced`. */
  Type.Object({ type: Type.Literal('sync'), threadId: Uuid, afterSeq: SeqNumber(0) }),
  Type.Object({ type: Type.Literal('presence.watch'), agencyId: Uuid }),
  ...VideoClientFrames,
]);
export type ClientFrame = Static<typeof ClientFrame>;

export const ServerFrame = Type.Union([
  Type.Object({ type: Type.Literal('ready'), userId: Uuid }),
  Type.Object({ type: Type.Literal('pong') }),
  /**
   * A refused frame; `AUTH_REQUIRED` (bad or revoked token) is followed by close code 4401.
   * `threadId` names the thread of a refused `sync`; `retryAfterMs` says when a limited client
   * may send again (`WS_RATE_LIMITED`, `WS_TOO_MANY_CONNECTIONS`).
   */
  Type.Object({
    type: Type.Literal('error'),
    code: Type.String(),
    message: Type.String(),
    threadId: Type.Optional(Uuid),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  Type.Object({ type: Type.Literal('message'), threadId: Uuid, message: MessageView }),
  /** A colleague's case got a message: team members open it through the (logged) team view. */
  Type.Object({ type: Type.Literal('thread.activity'), threadId: Uuid, seq: Type.Integer() }),
  Type.Object({ type: Type.Literal('synced'), threadId: Uuid, lastSeq: Type.Integer() }),
  Type.Object({ type: Type.Literal('enquiry.new'), threadId: Uuid, agencyId: Uuid }),
  Type.Object({ type: Type.Literal('enquiry.claimed'), threadId: Uuid, agencyId: Uuid, counsellorId: Uuid }),
  Type.Object({
    type: Type.Literal('thread.assigned'),
    threadId: Uuid,
    agencyId: Uuid,
    counsellorId: Uuid,
  }),
  Type.Object({ type: Type.Literal('thread.status'), threadId: Uuid, status: Type.String() }),
  Type.Object({ type: Type.Literal('thread.epoch'), threadId: Uuid, epoch: Type.Integer() }),
  Type.Object({ type: Type.Literal('notification'), notification: NotificationView }),
  Type.Object({ type: Type.Literal('presence'), agencyId: Uuid, online: Type.Integer() }),
  /** Real-time delivery was interrupted (e.g. Redis was down): catch up from your last positions. */
  Type.Object({ type: Type.Literal('resync') }),
  ...VideoServerFrames,
]);
export type ServerFrame = Static<typeof ServerFrame>;

/** `GET /v1/agencies/:id/presence`: how many of the agency's counsellors are connected now. */
export const PresenceView = Type.Object({ agencyId: Uuid, online: Type.Integer() });

export { WS_CLOSE_AUTH, WS_CLOSE_LIMITED, WS_CLOSE_SLOW_CONSUMER } from './close-codes.ts';
