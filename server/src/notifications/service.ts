import type { Actor, ServiceContext } from '../context.ts';
import { Errors } from '../errors.ts';
import * as repo from './repository.ts';
import type { NotificationViewType } from './schemas.ts';
import type { NotificationRow } from './table.ts';

export function notificationView(row: NotificationRow): NotificationViewType {
  return {
    id: row.id,
    kind: row.kind,
    threadId: row.threadId,
    agencyId: row.agencyId,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

export async function listNotifications(ctx: ServiceContext, actor: Actor, unreadOnly: boolean, limit: number) {
  const rows = await repo.listNotifications(ctx.db, actor.id, unreadOnly, limit);
  return { notifications: rows.map(notificationView) };
}

/** The notification if it belongs to the user; someone else's answers like a missing one. */
export async function getOwnNotification(ctx: ServiceContext, userId: string, id: string) {
  const row = await repo.findNotification(ctx.db, id);
  return row && row.userId === userId ? notificationView(row) : null;
}

export async function markRead(ctx: ServiceContext, actor: Actor, id: string | null) {
  const updated = await repo.markRead(ctx.db, actor.id, id);
  if (id && updated === 0 && !(await getOwnNotification(ctx, actor.id, id))) throw Errors.NOTIFICATION_NOT_FOUND();
  return { updated };
}
