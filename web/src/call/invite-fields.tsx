import { useState } from 'preact/hooks';
import type { ThreadSummary } from '@counsel/client-sdk/browser';
import { useT } from '../i18n/i18n.ts';
import { useLoad } from '../ui/hooks.ts';
import { useClient } from '../session/session.tsx';
import type { CallView } from './call-manager.ts';

/**
 * A group session: the counsellor may invite more of their own clients (the seekers of their other
 * active cases; the server accepts these, and colleagues of the agency, as invitees). Colleagues
 * are not offered: there is no API yet that lists them to a counsellor.
 */
export interface Invitees {
  candidates: ThreadSummary[];
  chosen: string[];
  toggle(seekerId: string, on: boolean): void;
}

export function useInvitees(view: CallView): Invitees {
  const client = useClient();
  const seekerId = view.about?.seekerId ?? null;
  const wanted = view.role === 'caller' && seekerId !== null;
  const { data } = useLoad(async () => (wanted ? client.listMyThreads() : []), [client, wanted]);
  const [chosen, setChosen] = useState<string[]>([]);
  const seen = new Set<string>([seekerId ?? '']);
  const candidates = (data ?? []).filter((thread) => {
    if (thread.status !== 'active' || seen.has(thread.seekerId)) return false;
    seen.add(thread.seekerId);
    return true;
  });
  return {
    candidates,
    chosen,
    toggle: (id, on) => setChosen((list) => (on ? [...list.filter((other) => other !== id), id] : list.filter((other) => other !== id))),
  };
}

function since(iso: string): string {
  return new Date(iso).toLocaleDateString(document.documentElement.lang || undefined, { dateStyle: 'medium' });
}

export function InviteFields({ invitees }: { invitees: Invitees }) {
  const t = useT('call');
  if (invitees.candidates.length === 0) return <p class="hint">{t('invite.oneToOne')}</p>;
  return (
    <details class="call-invite">
      <summary>{t('invite.summary')}</summary>
      <fieldset>
        <legend>{t('invite.legend')}</legend>
        <p class="hint">{t('invite.hint')}</p>
        <ul class="call-invite-list">
          {invitees.candidates.map((thread) => (
            <li key={thread.seekerId}>
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={invitees.chosen.includes(thread.seekerId)}
                  onChange={(event) => invitees.toggle(thread.seekerId, event.currentTarget.checked)}
                />
                {t('invite.client', { topic: thread.topicName, agency: thread.agencyName, since: since(thread.createdAt) })}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
    </details>
  );
}
