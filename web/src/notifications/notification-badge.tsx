import { useEffect } from 'preact/hooks';
import { useSession } from '../session/session.tsx';
import { useLiveEvents, useLoad } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { onNotificationsChanged } from './changes.ts';
import './notifications.css';

/**
 * The "Notifications" nav link's content with the unread count. The visible number is hidden
 * from screen readers, which get one phrase instead ("Notifications (2 unread)").
 */
export function NotificationBadge() {
  const t = useT();
  const { client } = useSession();
  const unread = useLoad(async () => (client ? (await client.listNotifications(true)).length : 0), [client]);

  useLiveEvents(
    (event) => {
      if (event.type === 'notification' || event.type === 'resync') void unread.reload();
    },
    [unread.reload],
  );
  useEffect(() => onNotificationsChanged(() => void unread.reload()), [unread.reload]);

  const count = unread.data ?? 0;
  if (count === 0) return <>{t('nav.notifications')}</>;
  return (
    <>
      <span aria-hidden="true">
        {t('nav.notifications')} <span class="badge nav-badge">{count}</span>
      </span>
      <span class="visually-hidden">{t('nav.notificationsUnread', { count })}</span>
    </>
  );
}
