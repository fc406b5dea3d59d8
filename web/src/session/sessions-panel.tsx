import { ErrorText, Loading, formatTime } from '../ui/components.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { useClient } from './session.tsx';

/**
 * The devices signed in to this account, with a way to sign out any other one (a lost phone, a
 * shared computer). Signing out here ends that device's requests and live connection at once.
 */
export function SessionsPanel() {
  const t = useT();
  const client = useClient();
  const sessions = useLoad(() => client.listSessions(), [client]);
  const revoke = useAction(async (id: string) => {
    await client.revokeSession(id);
    await sessions.reload();
  });
  const revokeOthers = useAction(async () => {
    await client.revokeOtherSessions();
    await sessions.reload();
  });
  const list = sessions.data ?? [];
  const others = list.filter((session) => !session.current);

  return (
    <section class="card sessions-panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('sessions.title')}</h2>
      <p class="hint">{t('sessions.explain')}</p>
      {sessions.loading && !sessions.data ? (
        <Loading />
      ) : (
        <ul class="plain">
          {list.map((session) => {
            const since = t('sessions.since', { time: formatTime(session.createdAt) });
            return (
              <li key={session.id}>
                {since}{' '}
                {session.current ? (
                  <span class="tag">{t('sessions.thisDevice')}</span>
                ) : (
                  <button type="button" onClick={() => void revoke.run(session.id)} disabled={revoke.busy} aria-label={`${t('sessions.signOut')}: ${since}`}>
                    {t('sessions.signOut')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {others.length > 0 && (
        <div class="actions">
          <button type="button" class="danger" onClick={() => void revokeOthers.run()} disabled={revokeOthers.busy}>
            {t('sessions.signOutOthers')}
          </button>
        </div>
      )}
      <ErrorText error={sessions.error ?? revoke.error ?? revokeOthers.error} />
    </section>
  );
}
