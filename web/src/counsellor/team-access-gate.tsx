import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useClient } from '../session/session.tsx';
import { useLoad } from '../ui/hooks.ts';
import { ErrorText, Loading } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { TeamAccessExplanation } from './team-confirm.tsx';
import './counsellor.css';

/**
 * Wraps the thread page for counsellors. Opening a colleague's case is logged by the server the
 * moment the thread is loaded, so whether this is such a case is decided first from the lists,
 * which log nothing; a colleague's case then needs the same confirmation as in the team view.
 * (`?team=confirmed` means the team view asked already.)
 */
export function TeamAccessGate({ threadId, children }: { threadId: string; children: ComponentChildren }) {
  const { query } = useLocation();
  // Remembered per thread: the page may stay mounted while the route moves to another thread.
  const [confirmedFor, setConfirmedFor] = useState<string | null>(null);
  if (query.team === 'confirmed' || confirmedFor === threadId) return <>{children}</>;
  return (
    <TeamCaseCheck key={threadId} threadId={threadId} onConfirm={() => setConfirmedFor(threadId)}>
      {children}
    </TeamCaseCheck>
  );
}

function TeamCaseCheck(props: { threadId: string; onConfirm(): void; children: ComponentChildren }) {
  const t = useT('counsellor');
  const client = useClient();
  const check = useLoad(async () => {
    const [team, mine, enquiries] = await Promise.all([
      client.listTeamThreads(),
      client.listMyThreads(),
      client.listEnquiries(),
    ]);
    if (team.some((thread) => thread.id === props.threadId)) return true;
    if ([...mine, ...enquiries].some((thread) => thread.id === props.threadId)) return false;
    // Not in any (length-limited) list: in a team agency it may be an older colleague's case,
    // so ask rather than log an access the counsellor did not mean to make.
    return client.me.memberships.some((membership) => membership.isTeam);
  }, [client, props.threadId]);

  if (check.error) return <ErrorText error={check.error} />;
  if (check.data === null) return <Loading />;
  if (!check.data) return <>{props.children}</>;
  return (
    <section class="team-gate card">
      <h1>{t('teamConfirm.title')}</h1>
      <TeamAccessExplanation />
      <div class="actions">
        <button type="button" class="primary" onClick={props.onConfirm}>
          {t('teamConfirm.confirm')}
        </button>
        <a class="button" href="/team">
          {t('teamConfirm.back')}
        </a>
      </div>
    </section>
  );
}
