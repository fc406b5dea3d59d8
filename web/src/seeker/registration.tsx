import { CounselClient } from '@counsel/client-sdk/browser';
import { Field } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { clientOptions } from '../session/session.tsx';
import { MIN_SEEKER_PASSWORD_LENGTH } from '../session/credentials.ts';

export interface Registration {
  username: string;
  password: string;
  repeat: string;
  email: string;
}

export const emptyRegistration: Registration = { username: '', password: '', repeat: '', email: '' };

/** The password never leaves this browser; only a value derived from it does (see the SDK). */

/**
 * Username, password (twice) and an optional e-mail address. The browser checks the simple rules
 * (`required`, `pattern`, `minLength`); {@link registrationProblem} checks what it cannot.
 */
export function RegistrationFields(props: {
  value: Registration;
  onChange(value: Registration): void;
  autoFocus?: boolean;
}) {
  const t = useT('seeker');
  const set = (key: keyof Registration) => (event: Event) =>
    props.onChange({ ...props.value, [key]: (event.currentTarget as HTMLInputElement).value });
  return (
    <>
      <Field
        label={t('register.username')}
        hint={t('register.usernameHint')}
        name="username"
        autoComplete="username"
        required
        minLength={3}
        maxLength={64}
        pattern="[A-Za-z0-9._\-]+"
        autoFocus={props.autoFocus}
        value={props.value.username}
        onInput={set('username')}
      />
      <Field
        label={t('register.password')}
        hint={t('register.passwordHint', { count: MIN_SEEKER_PASSWORD_LENGTH })}
        type="password"
        name="new-password"
        autoComplete="new-password"
        required
        minLength={MIN_SEEKER_PASSWORD_LENGTH}
        value={props.value.password}
        onInput={set('password')}
      />
      <Field
        label={t('register.repeat')}
        type="password"
        name="repeat-password"
        autoComplete="new-password"
        required
        minLength={MIN_SEEKER_PASSWORD_LENGTH}
        value={props.value.repeat}
        onInput={set('repeat')}
      />
      <Field
        label={t('register.email')}
        hint={t('register.emailHint')}
        type="email"
        name="email"
        autoComplete="email"
        value={props.value.email}
        onInput={set('email')}
      />
    </>
  );
}

/** What the browser's own checks miss, as a catalogue key; null when the form is fine. */
export function registrationProblem(value: Registration): string | null {
  if (value.password !== value.repeat) return 'register.mismatch';
  return null;
}

/** Creates the account: the password is split and the keys made here, in the browser. */
export function registerSeeker(value: Registration, linkCode?: string): Promise<CounselClient> {
  return CounselClient.register({
    ...clientOptions(),
    username: value.username.trim(),
    password: value.password,
    ...(value.email.trim() ? { email: value.email.trim() } : {}),
    ...(linkCode ? { linkCode } : {}),
  });
}
