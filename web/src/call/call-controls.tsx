import type { ThreadDetail } from '@counsel/client-sdk/browser';
import { useT } from '../i18n/i18n.ts';
import { useCalls } from './use-calls.ts';

/**
 * The call button of a thread page. Counsellors call (the assigned counsellor, or a team
 * colleague covering: the server allows both); seekers cannot start a call, but can join one
 * that is ringing for this thread.
 */
export function CallControls({ threadId, detail }: { threadId: string; detail: ThreadDetail }) {
  const t = useT('call');
  const { manager, state } = useCalls();
  if (!manager) return null;

  if (detail.relation === 'seeker') {
    const ring = state.rings.find((candidate) => candidate.threadId === threadId);
    if (!ring || state.view?.callId === ring.callId) return null;
    return (
      <div class="call-controls">
        <button type="button" class="primary" onClick={() => void manager.openCallee(ring.callId)}>
          {t('controls.join')}
        </button>
      </div>
    );
  }

  const canCall = (detail.relation === 'assigned' || detail.relation === 'team') && detail.status === 'active';
  if (!canCall) return null;
  return (
    <div class="call-controls">
      {/* Hidden rather than removed while a call is open, so focus can return to it afterwards. */}
      <button type="button" hidden={state.view !== null} onClick={() => manager.openCaller(detail)}>
        {t('controls.start')}
      </button>
    </div>
  );
}
