import { useEffect, useRef } from 'preact/hooks';
import type { RealtimeEvent } from '@counsel/client-sdk/browser';
import { useSession } from '../session/session.tsx';
import { useLiveEvents } from '../ui/hooks.ts';

/**
 * Reloads a list when one of the given live events (or a message, if asked) arrives. A burst of
 * events (e.g. a resync after a reconnect) becomes one reload.
 */
export function useReloadOn(
  types: RealtimeEvent['type'][],
  reload: () => unknown,
  options: { messages?: boolean } = {},
) {
  const { live } = useSession();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(reload);
  latest.current = reload;

  const schedule = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void latest.current();
    }, 150);
  };

  useLiveEvents(
    (event) => {
      if (types.includes(event.type) || event.type === 'resync') schedule();
    },
    [types.join(',')],
  );

  useEffect(() => {
    if (!live || !options.messages) return;
    return live.onMessage(schedule);
  }, [live, options.messages]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
}
