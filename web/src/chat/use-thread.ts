import { useState } from 'preact/hooks';
import { useClient, useSession } from '../session/session.tsx';
import { useLiveEvents, useLoad } from '../ui/hooks.ts';

/** Events that change what the header, notices or composer show. */
const DETAIL_EVENTS = new Set(['thread.status', 'thread.assigned', 'thread.epoch', 'enquiry.claimed']);

/**
 * The thread's detail and members, reloaded when the server says the thread changed (claimed,
 * closed, re-keyed). A counsellor looking at an enquiry a colleague just claimed is told so,
 * instead of meeting a bare "not found" on the next load.
 */
export function useThread(threadId: string) {
  const client = useClient();
  const { me } = useSession();
  const detail = useLoad(() => client.getThread(threadId), [client, threadId]);
  const counsellorId = detail.data?.counsellorId ?? null;
  const epoch = detail.data?.currentEpoch ?? -1;
  // Loading the members also pins their keys, which the safety number and key checks rely on.
  const members = useLoad(() => client.threadMembers(threadId), [client, threadId, counsellorId, epoch]);
  const [takenByColleague, setTaken] = useState(false);

  useLiveEvents(
    (event) => {
      if (!DETAIL_EVENTS.has(event.type) || !('threadId' in event) || event.threadId !== threadId) return;
      if (event.type === 'enquiry.claimed' && me?.role === 'counsellor' && event.counsellorId !== me.id) setTaken(true);
      void detail.reload();
    },
    [threadId, detail.reload, me],
  );

  return { detail, members, takenByColleague };
}
