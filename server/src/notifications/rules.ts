import { absentUserIds } from '../absences/repository.ts';
import { listAgencyCounsellorIds } from '../agencies/repository.ts';
import type { Trx } from '../db/schema.ts';
import type { DomainEvent } from '../realtime/events.ts';
import { insertMessageNotifications, insertNotifications, usersWithEmail, type NewNotification } from './repository.ts';
import type { NotificationKind } from './table.ts';

/** What the rules need to know about the thread. */
export interface NotifiedThread {
  id: string;
  agencyId: string;
  seekerId: string;
  counsellorId: string | null;
  status: string;
  isTeam: boolean;
}

async function build(
  trx: Trx,
  thread: NotifiedThread,
  kind: NotificationKind,
  recipients: Set<string>,
  emailEvenIfAbsent: boolean,
): Promise<DomainEvent[]> {
  const ids = [...recipients];
  const withEmail = await usersWithEmail(trx, ids);
  const absent = emailEvenIfAbsent ? new Set<string>() : await absentUserIds(trx, ids);
  const rows: NewNotification[] = ids.map((userId) => ({
    userId,
    kind,
    threadId: thread.id,
    agencyId: thread.agencyId,
    emailStatus: withEmail.has(userId) && !absent.has(userId) ? 'pending' : 'none',
  }));
  const inserted = await insertNotifications(trx, rows);
  return inserted.map((row) => ({ type: 'notification.created', payload: { notificationId: row.id, userId: row.userId } }));
}

/**
 * A new thread: a first enquiry notifies every counsellor of the agency (absent ones get no
 * e-mail); a direct assignment notifies the counsellor and, in a team agency, the team.
 * Written in the creating transaction, so each notification exists exactly once.
 */
export async function notifyNewThread(trx: Trx, thread: NotifiedThread): Promise<DomainEvent[]> {
  const counsellors = new Set(await listAgencyCounsellorIds(trx, thread.agencyId));
  if (thread.status === 'enquiry') return build(trx, thread, 'enquiry.new', counsellors, false);
  const recipients = new Set(thread.isTeam ? counsellors : []);
  if (thread.counsellorId) recipients.add(thread.counsellorId);
  return build(trx, thread, 'thread.assigned', recipients, true);
}

/**
 * A new message. From the seeker: the assigned counsellor, plus every team counsellor in a team
 * agency (also for a colleague's case); nobody else in a non-team agency. From a counsellor:
 * the seeker. Notifications carry ids only, never content.
 */
export async function notifyMessage(trx: Trx, thread: NotifiedThread, senderId: string): Promise<DomainEvent[]> {
  const fromSeeker = senderId === thread.seekerId;
  if (fromSeeker && (thread.status === 'enquiry' || !thread.counsellorId)) return [];
  const inserted = await insertMessageNotifications(trx, {
    threadId: thread.id,
    agencyId: thread.agencyId,
    senderId,
    directId: fromSeeker ? (thread.counsellorId as string) : thread.seekerId,
    withTeam: fromSeeker && thread.isTeam,
  });
  return inserted.map((row) => ({ type: 'notification.created', payload: { notificationId: row.id, userId: row.userId } }));
}
