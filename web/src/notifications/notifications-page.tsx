import type { Me, NotificationView } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useAction, useLiveEvents, useLoad } from '../ui/hooks.ts';
import { ErrorText, Loading, formatTime } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { announceNotificationsChanged } from './changes.ts';
import './notifications.css';

/**
 * Notices of new enquiries, messages and assignments. They carry no content (the server cannot
 * read any): each says what happened and where, and links to the case.
 */
export function NotificationsPage() {
  const t = useT('counsellor');
  const client = useClient();
  const list = useLoad(() => client.listNotifications(), [client]);
  useLiveEvents(
    (event) => {
      if (event.type === 'notification' || event.type === 'resync') void list.reload();
    },
    [list.reload],
  );

  const markAll = useAction(async () => {
    await client.markAllNotificationsRead();
    announceNotificationsChanged();
    await list.reload();
  });

  const open = (notification: NotificationView) => {
    if (notification.readAt) return;
    // The link navigates at once; the mark follows in the background and the badge with it.
    void client
      .markNotificationRead(notification.id)
      .then(announceNotificationsChanged)
      .catch(() => {});
  };

  const unreadCount = list.data?.filter((notification) => !notification.readAt).length ?? 0;

  return (
    <section>
      <h1>{t('notifications.title')}</h1>
      <p class="muted">{t('notifications.intro')}</p>
      <div class="actions">
        <button type="button" disabled={markAll.busy || unreadCount === 0} onClick={() => void markAll.run()}>
          {t('notifications.markAll')}
        </button>
      </div>
      <ErrorText error={markAll.error} />
      {list.error ? (
        <ErrorText error={list.error} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p class="empty">{t('notifications.empty')}</p>
      ) : (
        <ul class="list notification-list">
          {list.data.map((notification) => (
            <li key={notification.id} class={notification.readAt ? undefined : 'unread'}>
              <div class="row">
                <div>
                  {notification.threadId ? (
                    <a href={`/threads/${notification.threadId}`} onClick={() => open(notification)}>
                      {describe(t, client.me, notification)}
                    </a>
                  ) : (
                    <span>{describe(t, client.me, notification)}</span>
                  )}
                  <time class="muted" dateTime={notification.createdAt}>
                    {formatTime(notification.createdAt)}
                  </time>
                </div>
                {!notification.readAt && <span class="tag">{t('notifications.unread')}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One sentence per kind, from the reader's side (a seeker is told about replies, staff about cases). */
function describe(t: ReturnType<typeof useT>, me: Me, notification: NotificationView): string {
  const agency = me.memberships.find((membership) => membership.agencyId === notification.agencyId)?.agencyName;
  const side = me.role === 'seeker' ? 'seeker' : 'staff';
  const kind = ['enquiry.new', 'message.new', 'thread.assigned'].includes(notification.kind) ? notification.kind : 'unknown';
  const key = `notifications.kind.${side}.${kind.replace('.', '_')}`;
  return agency ? t(`${key}_agency`, { agency }) : t(key);
}
