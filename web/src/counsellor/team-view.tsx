import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useClient } from '../session/session.tsx';
import { useLoad } from '../ui/hooks.ts';
import { ErrorText, Loading, formatTime } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { useColleagueNames } from './colleagues.ts';
import { useReloadOn } from './live-reload.ts';
import { TeamConfirmDialog, confirmedTeamUrl } from './team-confirm.tsx';
import { byLastActivity, unreadThreadIds } from './unread.ts';
import './counsellor.css';

/**
 * Colleagues' cases in the counsellor's team agencies, for covering (illness, holidays).
 * Listing them logs nothing; opening one does, so it is confirmed first.
 */
export function TeamView() {
  const t = useT('counsellor');
  const client = useClient();
  const { route } = useLocation();
  const [opening, setOpening] = useState<string | null>(null);

  const cases = useLoad(async () => {
    const threads = (await client.listTeamThreads()).sort(byLastActivity);
    return { threads, unread: await unreadThreadIds(threads) };
  }, [client]);
  // Team members get `thread.activity` (not the message) for a colleague's case.
  useReloadOn(['thread.activity', 'thread.assigned', 'thread.status', 'enquiry.claimed'], cases.reload);

  const teamAgencies = client.me.memberships.filter((membership) => membership.isTeam).map((membership) => membership.agencyId);
  const names = useColleagueNames(client, teamAgencies);

  return (
    <section class="counsellor-page">
      <h1>{t('team.title')}</h1>
      <p class="muted">{t('team.intro')}</p>
      {cases.error ? (
        <ErrorText error={cases.error} />
      ) : !cases.data ? (
        <Loading />
      ) : cases.data.threads.length === 0 ? (
        <p class="empty">{t('team.empty')}</p>
      ) : (
        <ul class="list case-list">
          {cases.data.threads.map((thread) => {
            const unread = cases.data?.unread.has(thread.id) ?? false;
            const owner = (thread.counsellorId && names.get(thread.counsellorId)) || t('team.unknownColleague');
            return (
              <li key={thread.id}>
                <div class="row">
                  <div>
                    <h2 class="case-title" id={`team-${thread.id}`}>
                      {t('team.caseOf', { topic: thread.topicName, name: owner })}
                      {unread && <span class="badge new-badge">{t('common.new')}</span>}
                    </h2>
                    <p class="case-meta">
                      <span>{thread.agencyName}</span>
                      <span class={`tag status-${thread.status}`}>{t(`status.${thread.status}`)}</span>
                      <span>{t('common.lastActivity', { time: formatTime(thread.updatedAt) })}</span>
                    </p>
                  </div>
                  <button type="button" aria-describedby={`team-${thread.id}`} onClick={() => setOpening(thread.id)}>
                    {t('team.open')}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <TeamConfirmDialog
        open={opening !== null}
        onCancel={() => setOpening(null)}
        onConfirm={() => {
          const id = opening;
          setOpening(null);
          if (id) route(confirmedTeamUrl(id));
        }}
      />
    </section>
  );
}
