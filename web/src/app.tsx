import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { SessionProvider, useSession } from './session/session.tsx';
import { Layout } from './ui/layout.tsx';
import { Loading } from './ui/components.tsx';
import { useT } from './i18n/i18n.ts';
import { Landing } from './seeker/landing.tsx';
import { LinkLanding } from './seeker/link-landing.tsx';
import { Register } from './seeker/register.tsx';
import { ResumeWithCode } from './seeker/resume.tsx';
import { SeekerThreads } from './seeker/threads.tsx';
import { SeekerSettings } from './seeker/settings.tsx';
import { ThreadPage } from './chat/thread-page.tsx';
import { Login } from './auth/login.tsx';
import { Activate } from './auth/activate.tsx';
import { Inbox } from './counsellor/inbox.tsx';
import { MyMessages } from './counsellor/my-messages.tsx';
import { TeamView } from './counsellor/team-view.tsx';
import { CounsellorSettings } from './counsellor/settings.tsx';
import { NotificationsPage } from './notifications/notifications-page.tsx';
import { AdminHome } from './admin/admin-home.tsx';
import type { Me } from '@counsel/client-sdk/browser';

type Role = Me['role'];

/** Screens for signed-in users of some roles; others are sent to log in (or home). */
function RequireRole({ roles, children }: { roles: Role[]; children: preact.ComponentChildren }) {
  const { status, me } = useSession();
  const { route, url } = useLocation();
  if (status === 'restoring') return <Loading />;
  if (!me) {
    queueMicrotask(() => route(`/login?next=${encodeURIComponent(url)}`, true));
    return <Loading />;
  }
  if (!roles.includes(me.role)) {
    queueMicrotask(() => route('/', true));
    return <Loading />;
  }
  return <>{children}</>;
}

function Threads() {
  const { me } = useSession();
  return (
    <RequireRole roles={['seeker', 'counsellor']}>{me?.role === 'counsellor' ? <MyMessages /> : <SeekerThreads />}</RequireRole>
  );
}

function Settings() {
  const { me } = useSession();
  return (
    <RequireRole roles={['seeker', 'counsellor', 'admin']}>
      {me?.role === 'seeker' ? <SeekerSettings /> : <CounsellorSettings />}
    </RequireRole>
  );
}

function NotFound() {
  const t = useT();
  return (
    <section>
      <h1>{t('notFound.title')}</h1>
      <p>
        <a href="/">{t('notFound.home')}</a>
      </p>
    </section>
  );
}

/**
 * Every deep link the server answers with the app shell opens its screen here:
 * `/threads/<id>` (from notification e-mails), `/activate/<code>` (from the admin), `/l/<code>`
 * (a counsellor's or agency's personal link) and `/admin`.
 */
export function App() {
  return (
    <LocationProvider>
      <SessionProvider>
        <ErrorBoundary>
          <Layout>
            <Router>
              <Route path="/" component={Landing} />
              <Route path="/l/:code" component={LinkLanding} />
              <Route path="/register" component={Register} />
              <Route path="/resume" component={ResumeWithCode} />
              <Route path="/login" component={Login} />
              <Route path="/activate/:code" component={Activate} />
              <Route path="/threads" component={Threads} />
              <Route
                path="/threads/:id"
                component={({ id }: { id: string }) => (
                  <RequireRole roles={['seeker', 'counsellor']}>
                    <ThreadPage threadId={id} />
                  </RequireRole>
                )}
              />
              <Route path="/inbox" component={() => <RequireRole roles={['counsellor']}><Inbox /></RequireRole>} />
              <Route path="/team" component={() => <RequireRole roles={['counsellor']}><TeamView /></RequireRole>} />
              <Route
                path="/notifications"
                component={() => <RequireRole roles={['seeker', 'counsellor', 'admin']}><NotificationsPage /></RequireRole>}
              />
              <Route path="/settings" component={Settings} />
              <Route path="/admin/*" component={() => <RequireRole roles={['admin']}><AdminHome /></RequireRole>} />
              <Route path="/admin" component={() => <RequireRole roles={['admin']}><AdminHome /></RequireRole>} />
              <Route default component={NotFound} />
            </Router>
          </Layout>
        </ErrorBoundary>
      </SessionProvider>
    </LocationProvider>
  );
}
