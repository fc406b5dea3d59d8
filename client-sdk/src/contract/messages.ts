import { Type } from '@sinclair/typebox';
import { Ciphertext, Nonce, SeqNumber, Signature, Timestamp, Uuid } from './common.ts';

export const NewMessageBody = Type.Object({
  clientMessageId: Uuid,
  epoch: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  nonce: Nonce,
  ciphertext: Ciphertext,
  signature: Signature,
});

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

export const HistoryQuery = Type.Object({
  afterSeq: Type.Optional(SeqNumber(0)),
  beforeSeq: Type.Optional(SeqNumber(1)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

export const HistoryPage = Type.Object({
  messages: Type.Array(MessageView),
  /** The thread's newest sequence number, so a client knows whether to page on. */
  lastSeq: Type.Integer(),
});
