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
}

export type NotificationRow = Selectable<NotificationsTable>;
