import type { ColumnType, Generated, Selectable } from 'kysely';

export type ThreadStatus = 'enquiry' | 'active' | 'archived' | 'closed';
export type EpochReason = 'created' | 'claimed' | 'readers_changed';

export interface ThreadsTable {
  id: ColumnType<string, string, never>;
  seekerId: ColumnType<string, string, never>;
  agencyId: string;
  topicId: ColumnType<string, string, never>;
  counsellorId: string | null;
  status: ThreadStatus;
  currentEpoch: Generated<number>;
  /** Set when the readership changed; the next writer must start a new epoch first. */
  rekeyRequired: Generated<boolean>;
  lastSeq: Generated<number>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
  claimedAt: Date | null;
}

export interface ThreadEpochsTable {
  threadId: string;
  epoch: number;
  reason: EpochReason;
  createdBy: string | null;
  createdAt: Generated<Date>;
}

export interface ThreadKeyEnvelopesTable {
  threadId: string;
  epoch: number;
  recipientId: string;
  creatorId: string;
  /** The epoch key sealed (X25519 sealed box) to the recipient's public key. */
  sealedKey: Uint8Array;
  /** The creator's Ed25519 signature over the envelope, so the server cannot swap it. */
  signature: Uint8Array;
  createdAt: Generated<Date>;
}

export interface TeamViewAccessLogTable {
  id: ColumnType<string, string, never>;
  threadId: string;
  agencyId: string;
  counsellorId: string;
  action: 'read' | 'write';
  accessedAt: Generated<Date>;
}

export type ThreadRow = Selectable<ThreadsTable>;
