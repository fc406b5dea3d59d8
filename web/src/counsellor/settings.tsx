import { useEffect } from 'preact/hooks';
import { useSession } from '../session/session.tsx';
import { SessionsPanel } from '../session/sessions-panel.tsx';
import { useT } from '../i18n/i18n.ts';
import { AbsenceNoticeForm } from './absence-notice.tsx';
import { PersonalLinks } from './personal-links.tsx';
import './counsellor.css';

/** Settings of staff: the account for everyone; absence notice and personal links for counsellors. */
export function CounsellorSettings() {
  const t = useT('counsellor');
  const tc = useT();
  const { me, refreshMe } = useSession();
  // Memberships (and so the links) change when an admin adds or removes one: show today's.
  useEffect(() => {
    void refreshMe().catch(() => {});
  }, []);
  if (!me) return null;
  return (
    <section class="counsellor-page settings">
      <h1>{t('settings.title')}</h1>
      <h2>{t('settings.account.title')}</h2>
      <dl class="card account">
        <dt>{t('settings.account.username')}</dt>
        <dd>{me.username ?? '—'}</dd>
        <dt>{t('settings.account.displayName')}</dt>
        <dd>{me.displayName ?? '—'}</dd>
        <dt>{t('settings.account.role')}</dt>
        <dd>{tc(`roles.${me.role}`)}</dd>
        {me.role === 'counsellor' && (
          <>
            <dt>{t('settings.account.agencies')}</dt>
            <dd>
              {me.memberships.length === 0 ? (
                t('settings.account.noAgencies')
              ) : (
                <ul class="plain">
                  {me.memberships.map((membership) => (
                    <li key={membership.agencyId}>
                      {membership.agencyName}
                      {membership.isTeam && <span class="tag">{t('common.teamAgency')}</span>}
                      {membership.isAgencyAdmin && <span class="tag">{t('common.agencyAdmin')}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        )}
      </dl>
      {me.role === 'counsellor' && (
        <>
          <h2>{t('settings.absence.title')}</h2>
          <AbsenceNoticeForm />
          <h2>{t('settings.links.title')}</h2>
          <PersonalLinks />
        </>
      )}
      <SessionsPanel />
    </section>
  );
}
