import { Type } from '@sinclair/typebox';
import { SealedKey, Signature, Text, Uuid } from './common.ts';

/**
 * Call signalling frames over the existing WebSocket. Requests carry a `requestId`; the server
 * answers each with one `call.response`. mediasoup parameter objects are passed through as
 * JSON objects (bounded in size) and validated by mediasoup itself.
 */
const RequestId = Text({ minLength: 1, maxLength: 64 });
const MediasoupObject = Type.Record(Type.String(), Type.Unknown());
const MediaKind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);

export const CallKeyEnvelope = Type.Object({ recipientId: Uuid, sealedKey: SealedKey, signature: Signature });

export const VideoClientFrames = [
  /** The counsellor calls the thread's seeker; `invitees` makes it a group session. */
  Type.Object({
    type: Type.Literal('call.start'),
    requestId: RequestId,
    threadId: Uuid,
    invitees: Type.Optional(Type.Array(Uuid, { maxItems: 16, uniqueItems: true })),
  }),
  Type.Object({ type: Type.Literal('call.accept'), requestId: RequestId, callId: Uuid }),
  Type.Object({ type: Type.Literal('call.decline'), requestId: RequestId, callId: Uuid }),
  Type.Object({ type: Type.Literal('call.end'), requestId: RequestId, callId: Uuid }),
  /** Enters the media room; the answer carries the router capabilities and current producers. */
  Type.Object({ type: Type.Literal('call.join'), requestId: RequestId, callId: Uuid, rtpCapabilities: MediasoupObject }),
  Type.Object({
    type: Type.Literal('call.transport'),
    requestId: RequestId,
    callId: Uuid,
    direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]),
  }),
  Type.Object({
    type: Type.Literal('call.connect'),
    requestId: RequestId,
    callId: Uuid,
    transportId: Uuid,
    dtlsParameters: MediasoupObject,
  }),
  Type.Object({
    type: Type.Literal('call.produce'),
    requestId: RequestId,
    callId: Uuid,
    transportId: Uuid,
    kind: MediaKind,
    rtpParameters: MediasoupObject,
  }),
  Type.Object({
    type: Type.Literal('call.consume'),
    requestId: RequestId,
    callId: Uuid,
    transportId: Uuid,
    producerId: Uuid,
  }),
  Type.Object({ type: Type.Literal('call.resume'), requestId: RequestId, callId: Uuid, consumerId: Uuid }),
  Type.Object({ type: Type.Literal('call.leave'), requestId: RequestId, callId: Uuid }),
  /** A new media key generation, sealed to each participant; relayed only to participants. */
  Type.Object({
    type: Type.Literal('call.key'),
    requestId: RequestId,
    callId: Uuid,
    generation: Type.Integer({ minimum: 0, maximum: 255 }),
    envelopes: Type.Array(CallKeyEnvelope, { minItems: 1, maxItems: 32 }),
  }),
] as const;

export const VideoServerFrames = [
  Type.Object({
    type: Type.Literal('call.response'),
    requestId: RequestId,
    ok: Type.Boolean(),
    data: Type.Optional(Type.Unknown()),
    code: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
  }),
  Type.Object({
    type: Type.Literal('call.ring'),
    callId: Uuid,
    threadId: Uuid,
    callerId: Uuid,
    participants: Type.Array(Uuid),
    e2ee: Type.Literal(true),
  }),
  Type.Object({ type: Type.Literal('call.accepted'), callId: Uuid, userId: Uuid }),
  Type.Object({ type: Type.Literal('call.declined'), callId: Uuid, userId: Uuid }),
  Type.Object({ type: Type.Literal('call.ended'), callId: Uuid, reason: Type.String() }),
  Type.Object({ type: Type.Literal('call.peer-joined'), callId: Uuid, userId: Uuid }),
  Type.Object({ type: Type.Literal('call.peer-left'), callId: Uuid, userId: Uuid }),
  Type.Object({
    type: Type.Literal('call.new-producer'),
    callId: Uuid,
    userId: Uuid,
    producerId: Uuid,
    kind: MediaKind,
  }),
  Type.Object({ type: Type.Literal('call.producer-closed'), callId: Uuid, producerId: Uuid }),
  Type.Object({ type: Type.Literal('call.consumer-closed'), callId: Uuid, consumerId: Uuid }),
  /** The media room was lost (its worker died): join again; a new room is made. */
  Type.Object({ type: Type.Literal('call.rejoin'), callId: Uuid, reason: Type.String() }),
  Type.Object({
    type: Type.Literal('call.key'),
    callId: Uuid,
    generation: Type.Integer(),
    creatorId: Uuid,
    sealedKey: SealedKey,
    signature: Signature,
  }),
] as const;
