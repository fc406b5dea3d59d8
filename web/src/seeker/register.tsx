import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ErrorText, Notice } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { useSession } from '../session/session.tsx';
import { emptyRegistration, registerSeeker, registrationProblem, RegistrationFields, type Registration } from './registration.tsx';
import { seekerError } from './seeker-errors.ts';
import './seeker.css';

/** An account before the first message, for seekers who want one from the start. */
export function Register() {
  const t = useT('seeker');
  const { me, signIn } = useSession();
  const { route } = useLocation();
  const [registration, setRegistration] = useState<Registration>(emptyRegistration);
  const [problem, setProblem] = useState<string | null>(null);
  const register = useAction(async () => {
    await signIn(await registerSeeker(registration));
    route('/');
  });

  return (
    <section class="narrow">
      <h1 id="register-title">{t('register.title')}</h1>
      <p>{t('register.intro')}</p>
      {me && <Notice>{t('register.alreadySignedIn')}</Notice>}
      <form
        class="card"
        aria-busy={register.busy}
        onSubmit={(event) => {
          event.preventDefault();
          const found = registrationProblem(registration);
          setProblem(found);
          if (!found) void register.run();
        }}
      >
        <RegistrationFields value={registration} onChange={setRegistration} />
        <div class="actions">
          <button type="submit" class="primary" disabled={register.busy}>
            {t('register.submit')}
          </button>
        </div>
        {register.busy && <p role="status" class="muted">{t('register.busy')}</p>}
        <ErrorText error={problem ? t(problem) : register.error ? seekerError(register.error, t) : null} />
      </form>
      <p>
        <a href="/login">{t('register.haveAccount')}</a>
      </p>
    </section>
  );
}
