import { useEffect } from 'preact/hooks';
import { storage } from '../session/storage.ts';

/**
 * Remembers (in this browser) the newest message the user has had on screen, for the unread
 * markers in the thread lists. A page in a background tab has not been read yet.
 */
export function useMarkRead(threadId: string, lastSeq: number | undefined) {
  useEffect(() => {
    if (!lastSeq) return;
    const mark = () => {
      if (document.visibilityState === 'visible') void storage.markRead(threadId, lastSeq);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [threadId, lastSeq]);
}
