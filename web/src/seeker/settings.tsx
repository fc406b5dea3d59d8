import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ConfirmDialog, ErrorText } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { useClient, useSession } from '../session/session.tsx';
import { SessionsPanel } from '../session/sessions-panel.tsx';
import { ResumeCodePanel } from './resume-code-panel.tsx';
import { seekerError } from './seeker-errors.ts';
import './seeker.css';

/** `/settings` for seekers: who they are here, the resume code (anonymous), and deletion. */
export function SeekerSettings() {
  const t = useT('seeker');
  const client = useClient();
  const { me, forget } = useSession();
  const { route } = useLocation();
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await client.deleteAccount();
    // Leave this protected page first: without a session it would send us to the login page.
    route('/?deleted=1', true);
    await forget();
  });
  if (!me) return null;

  return (
    <section class="narrow">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <section class="card">
        <h2 id="account-title">{t('settings.account')}</h2>
        <dl class="account-facts">
          <dt>{t('settings.username')}</dt>
          <dd>{me.isAnonymous ? t('settings.anonymous') : me.username}</dd>
          {me.email && (
            <>
              <dt>{t('settings.email')}</dt>
              <dd>{me.email}</dd>
            </>
          )}
        </dl>
        <p class="hint">{me.isAnonymous ? t('settings.anonymousExplained') : t('settings.registeredExplained')}</p>
      </section>
      {me.isAnonymous && <ResumeCodePanel />}
      <SessionsPanel />
      <section class="card danger-zone">
        <h2 id="delete-title">{t('settings.deleteTitle')}</h2>
        <p>{t('settings.deleteExplained')}</p>
        <div class="actions">
          <button type="button" class="danger" onClick={() => setConfirming(true)} disabled={remove.busy}>
            {t('settings.delete')}
          </button>
        </div>
        <ErrorText error={remove.error ? seekerError(remove.error, t) : null} />
      </section>
      <ConfirmDialog
        open={confirming}
        title={t('settings.confirmTitle')}
        confirmLabel={t('settings.delete')}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void remove.run();
        }}
      >
        <p>{t('settings.confirmText')}</p>
      </ConfirmDialog>
    </section>
  );
}
