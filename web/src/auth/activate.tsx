import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { CounselClient } from '@counsel/client-sdk/browser';
import { clientOptions, useSession } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ErrorText, Field, Notice } from '../ui/components.tsx';
import { errorCode } from '../ui/errors.ts';
import { useT } from '../i18n/i18n.ts';
import { credentialProblem, MIN_PASSWORD_LENGTH, type CredentialProblem } from '../session/credentials.ts';
import { homeOf } from './destination.ts';
import './auth.css';

/**
 * A staff account created by an admin is finished here: the person chooses username and
 * password, and this browser creates the private keys (the admin and the server never see them).
 */
export function Activate({ code }: { code?: string }) {
  const t = useT('auth');
  const { me, signIn, signOut } = useSession();
  const { route } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [problem, setProblem] = useState<CredentialProblem | null>(null);
  const [activated, setActivated] = useState(false);
  // Set before signIn, whose state update can render before `activated` is set.
  const signingIn = useRef(false);

  useEffect(() => {
    if (activated && me) route(homeOf(me.role), true);
  }, [activated, me]);

  const activate = useAction(async () => {
    const client = await CounselClient.activate({
      ...clientOptions(),
      activationCode: code ?? '',
      username: username.trim(),
      password,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    });
    signingIn.current = true;
    await signIn(client);
    setActivated(true);
  });

  const submit = (event: Event) => {
    event.preventDefault();
    const found = credentialProblem(username.trim(), password, repeat);
    setProblem(found);
    if (!found) void activate.run();
  };

  const serverCode = errorCode(activate.error);
  const codeInvalid = serverCode === 'ACTIVATION_CODE_INVALID' || (serverCode === 'VALIDATION_FAILED' && !validCodeShape(code));
  const error = problem
    ? t(`activate.problems.${problem}`, { min: MIN_PASSWORD_LENGTH })
    : codeInvalid
      ? t('activate.codeInvalid')
      : serverCode === 'USERNAME_TAKEN'
        ? t('activate.usernameTaken')
        : activate.error;

  // Someone else is signed in in this browser: activating would replace their session silently.
  if (me && !activated && !signingIn.current) {
    return (
      <section class="auth">
        <h1>{t('activate.title')}</h1>
        <Notice kind="warning">{t('activate.signedInAs', { name: me.displayName ?? me.username ?? '' })}</Notice>
        <div class="actions">
          <button type="button" class="primary" onClick={() => void signOut()}>
            {t('activate.signOutFirst')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section class="auth">
      <h1>{t('activate.title')}</h1>
      <p>{t('activate.intro')}</p>
      <ul class="auth-steps">
        <li>{t('activate.stepCredentials')}</li>
        <li>{t('activate.stepKeys')}</li>
        <li>{t('activate.stepPassword')}</li>
      </ul>
      <form class="card" onSubmit={submit} aria-busy={activate.busy} noValidate>
        <Field
          label={t('activate.username')}
          hint={t('activate.usernameHint')}
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <Field
          label={t('activate.password')}
          hint={t('activate.passwordHint', { min: MIN_PASSWORD_LENGTH })}
          name="new-password"
          type="password"
          autocomplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <Field
          label={t('activate.repeat')}
          name="repeat-password"
          type="password"
          autocomplete="new-password"
          required
          value={repeat}
          onInput={(event) => setRepeat(event.currentTarget.value)}
        />
        <Field
          label={t('activate.displayName')}
          hint={t('activate.displayNameHint')}
          name="display-name"
          autocomplete="name"
          value={displayName}
          onInput={(event) => setDisplayName(event.currentTarget.value)}
        />
        <ErrorText error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={activate.busy}>
            {activate.busy ? t('activate.busy') : t('activate.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The code's shape as the server checks it; a mangled link is as useless as a used code. */
function validCodeShape(code: string | undefined): boolean {
  return !!code && /^[A-Za-z0-9_-]{8,64}$/.test(code);
}
