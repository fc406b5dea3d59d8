import type { TFunction } from 'i18next';
import type { ThreadMember } from '@counsel/client-sdk/browser';

/**
 * How a participant is called on this screen: "You", the counsellor's display name, or "Advice
 * seeker" (seekers have no display name, on purpose). Someone no longer in the thread still gets
 * a role-neutral label rather than an id.
 */
export function nameResolver(t: TFunction, myId: string, seekerId: string, members: ThreadMember[] | null) {
  const byId = new Map((members ?? []).map((member) => [member.userId, member]));
  return (userId: string | null): string => {
    if (!userId) return t('names.unknown');
    if (userId === myId) return t('names.you');
    if (userId === seekerId) return t('names.seeker');
    const member = byId.get(userId);
    if (member?.role === 'seeker') return t('names.seeker');
    return member?.displayName ?? t('names.counsellor');
  };
}

/** The same, without "You": for sentences such as "The security key of … has changed". */
export function peerName(t: TFunction, seekerId: string, members: ThreadMember[] | null, userId: string): string {
  return nameResolver(t, '', seekerId, members)(userId);
}
