import type { ColumnType, Generated, Selectable } from 'kysely';

export interface MessagesTable {
  id: ColumnType<string, string, never>;
  threadId: ColumnType<string, string, never>;
  seq: ColumnType<number, number, never>;
  senderId: string | null;
  epoch: ColumnType<number, number, never>;
  clientMessageId: ColumnType<string, string, never>;
  ciphertext: ColumnType<Uint8Array, Uint8Array, never>;
  nonce: ColumnType<Uint8Array, Uint8Array, never>;
  signature: ColumnType<Uint8Array, Uint8Array, never>;
  createdAt: Generated<Date>;
}

export type MessageRow = Selectable<MessagesTable>;
