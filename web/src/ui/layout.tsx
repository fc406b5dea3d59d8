import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { LANGUAGES, currentLanguage, setLanguage, useT, type Language } from '../i18n/i18n.ts';
import { useSession } from '../session/session.tsx';
import { NotificationBadge } from '../notifications/notification-badge.tsx';
import { IncomingCall } from '../call/incoming-call.tsx';

function NavLink({ href, children }: { href: string; children: ComponentChildren }) {
  const { path } = useLocation();
  const current = path === href || (href !== '/' && path.startsWith(`${href}/`));
  return (
    <li>
      <a href={href} aria-current={current ? 'page' : undefined}>
        {children}
      </a>
    </li>
  );
}

function LanguageSwitch() {
  const t = useT();
  return (
    <label class="language">
      <span>{t('language')}</span>
      <select value={currentLanguage()} onChange={(event) => setLanguage(event.currentTarget.value as Language)}>
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code} lang={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Navigation() {
  const t = useT();
  const { me, signOut } = useSession();
  const { route } = useLocation();
  const isTeamMember = me?.memberships.some((membership) => membership.isTeam) ?? false;
  return (
    <nav aria-label={t('nav.main')}>
      <ul>
        {(!me || me.role === 'seeker') && <NavLink href="/">{t('nav.findHelp')}</NavLink>}
        {me?.role === 'seeker' && <NavLink href="/threads">{t('nav.myThreads')}</NavLink>}
        {me?.role === 'counsellor' && <NavLink href="/inbox">{t('nav.inbox')}</NavLink>}
        {me?.role === 'counsellor' && <NavLink href="/threads">{t('nav.myMessages')}</NavLink>}
        {me?.role === 'counsellor' && isTeamMember && <NavLink href="/team">{t('nav.team')}</NavLink>}
        {me?.role === 'admin' && <NavLink href="/admin">{t('nav.admin')}</NavLink>}
        {me && (
          <NavLink href="/notifications">
            <NotificationBadge />
          </NavLink>
        )}
        {me && <NavLink href="/settings">{t('nav.settings')}</NavLink>}
        {!me && <NavLink href="/login">{t('nav.login')}</NavLink>}
        {me && (
          <li>
            <button
              type="button"
              class="link"
              onClick={async () => {
                await signOut();
                route('/');
              }}
            >
              {t('nav.logout')}
            </button>
          </li>
        )}
      </ul>
    </nav>
  );
}

export function Layout({ children }: { children: ComponentChildren }) {
  const t = useT();
  const { me } = useSession();
  return (
    <>
      <a class="skip-link" href="#content">
        {t('skipToContent')}
      </a>
      <header class="site-header">
        <a class="brand" href={me?.role === 'counsellor' ? '/inbox' : me?.role === 'admin' ? '/admin' : '/'}>
          {t('appName')}
        </a>
        <Navigation />
        <LanguageSwitch />
      </header>
      {me && <IncomingCall />}
      <main id="content" tabIndex={-1}>
        {children}
      </main>
      <footer class="site-footer">
        <p>{t('e2ee')}</p>
      </footer>
    </>
  );
}
