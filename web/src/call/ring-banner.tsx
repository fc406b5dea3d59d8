import type { CallRing } from '@counsel/client-sdk/browser';
import { useId } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';
import { useLoad } from '../ui/hooks.ts';
import { useClient } from '../session/session.tsx';
import { loadCallContext } from './call-context.ts';
import type { CallManager } from './call-manager.ts';

/**
 * "Incoming video call": prominent, but it does not take the keyboard focus (the person may be
 * typing a message); it sits in a live region, so screen readers announce it at once.
 */
export function RingBanner({ ring, manager, inAnotherCall }: { ring: CallRing; manager: CallManager; inAnotherCall: boolean }) {
  const t = useT('call');
  const client = useClient();
  const titleId = useId();
  const { data: context } = useLoad(() => loadCallContext(client, ring.threadId), [client, ring.threadId]);
  const callerName = context?.people.get(ring.callerId)?.displayName ?? null;
  const name = callerName ?? t(client.me.role === 'seeker' ? 'ring.yourCounsellor' : 'ring.aColleague');
  const group = ring.participants.length > 2;
  return (
    <section class="call-ring" aria-labelledby={titleId}>
      <div class="call-ring-text">
        <h2 id={titleId}>{t('ring.title')}</h2>
        <p>
          {context?.topicName
            ? t(group ? 'ring.groupAbout' : 'ring.callingAbout', { name, topic: context.topicName, agency: context.agencyName })
            : t(group ? 'ring.group' : 'ring.calling', { name })}
        </p>
        {group && <p class="hint">{t('ring.groupHint')}</p>}
        {inAnotherCall && <p class="hint">{t('ring.endsCurrentCall')}</p>}
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void manager.openCallee(ring.callId)}>
          {t('ring.answer')}
        </button>
        <button
          type="button"
          onClick={() => {
            void manager.decline(ring.callId);
            // The banner goes away with the button; the keyboard continues at the page content.
            document.getElementById('content')?.focus();
          }}
        >
          {t('ring.decline')}
        </button>
      </div>
    </section>
  );
}
