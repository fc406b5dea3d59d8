import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { CounselClient } from '@counsel/client-sdk/browser';
import { clientOptions, useSession } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ErrorText, Field } from '../ui/components.tsx';
import { errorCode } from '../ui/errors.ts';
import { useT } from '../i18n/i18n.ts';
import { destinationAfterSignIn } from './destination.ts';
import './auth.css';

/**
 * Log in for staff and registered seekers. The password never leaves the browser: the SDK
 * derives the login key and the key that unwraps the private keys from it.
 */
export function Login() {
  const t = useT('auth');
  const { me, signIn } = useSession();
  const { route, query } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  // One place decides where to go: after a successful login, and when someone who is already
  // signed in opens /login.
  useEffect(() => {
    if (me) route(destinationAfterSignIn(me.role, query.next), true);
  }, [me]);

  const login = useAction(async () => {
    const client = await CounselClient.login({ ...clientOptions(), username: username.trim(), password });
    await signIn(client);
  });

  // An unknown user and a wrong password answer alike (the server does not say which), and a
  // malformed username can only be a typo, so all three get the same plain sentence.
  const code = errorCode(login.error);
  const error =
    code === 'AUTH_INVALID_CREDENTIALS' || code === 'VALIDATION_FAILED' ? t('login.wrongCredentials') : login.error;

  return (
    <section class="auth">
      <h1>{t('login.title')}</h1>
      <p class="muted">{t('login.intro')}</p>
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          void login.run();
        }}
        aria-busy={login.busy}
      >
        <Field
          label={t('login.username')}
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <Field
          label={t('login.password')}
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <ErrorText error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={login.busy}>
            {login.busy ? t('login.busy') : t('login.submit')}
          </button>
        </div>
      </form>
      <ul class="auth-links">
        <li>
          <a href="/resume">{t('login.resumeCode')}</a>
        </li>
        <li>
          <a href="/register">{t('login.register')}</a>
        </li>
      </ul>
    </section>
  );
}
