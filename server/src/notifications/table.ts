import type { ColumnType, Generated, Selectable } from 'kysely';

export type NotificationKind = 'enquiry.new' | 'message.new' | 'thread.assigned';
export type EmailStatus = 'none' | 'pending' | 'sent' | 'failed';

export interface NotificationsTable {
  id: ColumnType<string, string, never>;
  userId: ColumnType<string, string, never>;
  kind: ColumnType<NotificationKind, NotificationKind, never>;
  threadId: string | null;
  agencyId: string | null;
  createdAt: Generated<Date>;
  readAt: Date | null;
  emailStatus: Generated<EmailStatus>;
  emailAttempts: Generated<number>;
  /** A pending e-mail is not sent before this: the end of a claim's lease, or the retry time. */
  emailNotBefore: Date | null;
}

export type NotificationRow = Selectable<NotificationsTable>;
