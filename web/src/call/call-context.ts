import type { CounselClient } from '@counsel/client-sdk/browser';

/** What a call is about and who is in it, for the banner and the call view. */
export interface CallContext {
  topicName: string | null;
  agencyName: string | null;
  /** Thread members by user id: staff have a display name, seekers none. */
  people: Map<string, { role: string; displayName: string | null }>;
}

const cache = new WeakMap<CounselClient, Map<string, Promise<CallContext>>>();

/**
 * Loads the thread's topic and members once per thread. A person invited to a group session on
 * someone else's thread may read neither (404), so every part is optional.
 *
 * Only seekers open the thread here: a counsellor's opening of a colleague's case is written to
 * the team access log, and being rung must not leave such an entry. Counsellors learn the topic
 * from the thread page they call from.
 */
export function loadCallContext(client: CounselClient, threadId: string): Promise<CallContext> {
  let byThread = cache.get(client);
  if (!byThread) {
    byThread = new Map();
    cache.set(client, byThread);
  }
  let pending = byThread.get(threadId);
  if (!pending) {
    pending = fetchContext(client, threadId);
    byThread.set(threadId, pending);
    // A failure (network) is not kept: the next call view asks again.
    const forget = byThread;
    pending.catch(() => forget.delete(threadId));
  }
  return pending;
}

async function fetchContext(client: CounselClient, threadId: string): Promise<CallContext> {
  const [thread, members] = await Promise.allSettled([
    client.me.role === 'seeker' ? client.getThread(threadId) : Promise.reject(new Error('not opened for staff')),
    client.threadMembers(threadId),
  ]);
  const people = new Map<string, { role: string; displayName: string | null }>();
  if (members.status === 'fulfilled') {
    for (const member of members.value) people.set(member.userId, { role: member.role, displayName: member.displayName });
  }
  return {
    topicName: thread.status === 'fulfilled' ? thread.value.topicName : null,
    agencyName: thread.status === 'fulfilled' ? thread.value.agencyName : null,
    people,
  };
}
