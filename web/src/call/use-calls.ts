import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../session/session.tsx';
import { CallManager, type CallsState } from './call-manager.ts';

const NO_CALLS: CallsState = { rings: [], view: null };

/** The session's call manager and its current state; re-renders on every change. */
export function useCalls(): { manager: CallManager | null; state: CallsState } {
  const { client, live } = useSession();
  const manager = client && live ? CallManager.for(client, live) : null;
  const [state, setState] = useState<CallsState>(manager?.state ?? NO_CALLS);
  useEffect(() => {
    if (!manager) return setState(NO_CALLS);
    setState(manager.state);
    return manager.subscribe(setState);
  }, [manager]);
  return { manager, state: manager ? state : NO_CALLS };
}
