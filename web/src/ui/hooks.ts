import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { RealtimeEvent } from '@counsel/client-sdk/browser';
import { useSession } from '../session/session.tsx';

/** Loads data and reloads on demand; `error` holds the failure of the last load. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const value = await load();
      if (ticket === latest.current) {
        setData(value);
        setError(null);
      }
    } catch (caught) {
      if (ticket === latest.current) setError(caught);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

/** Runs an action, tracking whether it is busy and how it failed. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        await action(...args);
        return true;
      } catch (caught) {
        setError(caught);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  return { run, busy, error, setError };
}

/** Subscribes to the live connection's events (inbox, thread, notification, call frames). */
export function useLiveEvents(listener: (event: RealtimeEvent) => void, deps: unknown[]) {
  const { live } = useSession();
  useEffect(() => {
    if (!live) return;
    return live.onEvent(listener);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, ...deps]);
}
