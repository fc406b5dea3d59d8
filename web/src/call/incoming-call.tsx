import { useEffect } from 'preact/hooks';
import { useSession } from '../session/session.tsx';
import { CallManager } from './call-manager.ts';
import { CallPanel } from './call-view.tsx';
import { RingBanner } from './ring-banner.tsx';
import { useCalls } from './use-calls.ts';
import './call.css';

/**
 * Rendered by the layout for every signed-in user: the banner of calls ringing for them and the
 * call view. Living outside the routes, a call survives navigation.
 */
export function IncomingCall() {
  const { live } = useSession();
  const { manager, state } = useCalls();

  // The session ends (sign-out) or its connection is replaced: leave any call, close the camera.
  useEffect(() => {
    if (!live) return;
    return () => CallManager.release(live);
  }, [live]);

  if (!manager) return null;
  const view = state.view;
  const inCall = view !== null && view.phase !== 'ended' && view.phase !== 'failed' && view.phase !== 'unsupported';
  return (
    <div class="call-layer">
      <div class="call-rings" aria-live="assertive">
        {state.rings
          .filter((ring) => ring.callId !== view?.callId)
          .map((ring) => (
            <RingBanner key={ring.callId} ring={ring} manager={manager} inAnotherCall={inCall} />
          ))}
      </div>
      {view && <CallPanel key={view.serial} manager={manager} view={view} />}
    </div>
  );
}
