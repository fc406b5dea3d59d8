import { Type, type Static } from '@sinclair/typebox';
import { Nonce, Signature, Timestamp, Uuid } from '../common/schemas.ts';

export { NewMessageBody, type NewMessageInput } from '../threads/schemas.ts';

export const MessageView = Type.Object({
  id: Uuid,
  threadId: Uuid,
  seq: Type.Integer(),
  senderId: Type.Union([Uuid, Type.Null()]),
  epoch: Type.Integer(),
  clientMessageId: Uuid,
  nonce: Nonce,
  ciphertext: Type.String(),
  signature: Signature,
  createdAt: Timestamp,
});
export type MessageViewType = Static<typeof MessageView>;

export const HistoryQuery = Type.Object({
  afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
  beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type HistoryInput = Static<typeof HistoryQuery>;

export const HistoryPage = Type.Object({
  messages: Type.Array(MessageView),
  /** The thread's newest sequence number, so a client knows whether to page on. */
  lastSeq: Type.Integer(),
});
