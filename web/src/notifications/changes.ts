import type { CounselClient } from '@counsel/client-sdk/browser';

/**
 * Tells the badge in the navigation that notifications were read here, so its count follows at
 * once (the server sends no event for reads). Screens that mark notifications read call this.
 */
const changes = new EventTarget();

export function announceNotificationsChanged(): void {
  changes.dispatchEvent(new Event('change'));
}

export function onNotificationsChanged(listener: () => void): () => void {
  changes.addEventListener('change', listener);
  return () => changes.removeEventListener('change', listener);
}

/**
 * Marks the unread notifications of one thread read, for the thread page to call when it shows
 * that thread: having read the messages, nobody wants to be told about them again.
 */
export async function markThreadNotificationsRead(client: CounselClient, threadId: string): Promise<void> {
  const unread = await client.listNotifications(true);
  const ofThread = unread.filter((notification) => notification.threadId === threadId);
  if (ofThread.length === 0) return;
  await Promise.all(ofThread.map((notification) => client.markNotificationRead(notification.id)));
  announceNotificationsChanged();
}
