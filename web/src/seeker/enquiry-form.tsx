import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { CounselClient } from '@counsel/client-sdk/browser';
import { ErrorText, Notice, TextArea } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { clientOptions, useSession } from '../session/session.tsx';
import { emptyRegistration, registerSeeker, registrationProblem, RegistrationFields, type Registration } from './registration.tsx';
import { seekerError } from './seeker-errors.ts';

type Way = 'anonymous' | 'register' | 'signed-in';

/**
 * The first message to a counselling centre. A signed-in seeker just sends; a visitor sends
 * anonymously (an identity made in this browser) or registers first. Either way the account is
 * created (with the link code, if the visitor came through a personal or agency link), the app
 * signs in, and only then is the message encrypted and sent, so a failed send keeps the text
 * and can simply be tried again as the now signed-in seeker.
 */
export function EnquiryForm(props: {
  topicId: string;
  agencyId?: string;
  linkCode?: string;
  /** Fields that belong to the same submission (e.g. the topic on a link page). */
  children?: ComponentChildren;
}) {
  const t = useT('seeker');
  const { me, client, signIn } = useSession();
  const { route } = useLocation();
  const [text, setText] = useState('');
  const [registering, setRegistering] = useState(false);
  const [registration, setRegistration] = useState<Registration>(emptyRegistration);
  const [problem, setProblem] = useState<string | null>(null);
  const accountFields = useRef<HTMLFieldSetElement>(null);
  const signedInSeeker = me?.role === 'seeker';

  const send = useAction(async (way: Way) => {
    let sender = client;
    if (way === 'anonymous') {
      sender = await CounselClient.startAnonymous({ ...clientOptions(), ...(props.linkCode ? { linkCode: props.linkCode } : {}) });
      await signIn(sender);
    } else if (way === 'register') {
      sender = await registerSeeker(registration, props.linkCode);
      await signIn(sender);
    }
    if (!sender) throw new Error('not signed in');
    const thread = await sender.createEnquiry({
      topicId: props.topicId,
      ...(props.agencyId ? { agencyId: props.agencyId } : {}),
      text: text.trim(),
    });
    route(`/threads/${thread.id}`);
  });

  if (me && !signedInSeeker) return <Notice>{t('enquiry.staffSignedIn')}</Notice>;

  const submit = (event: Event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    const way = (submitter?.value as Way | undefined) ?? (signedInSeeker ? 'signed-in' : registering ? 'register' : 'anonymous');
    const found = !props.topicId
      ? 'enquiry.chooseTopic'
      : !text.trim()
        ? 'enquiry.empty'
        : way === 'register'
          ? registrationProblem(registration)
          : null;
    setProblem(found);
    if (!found) void send.run(way);
  };

  const openRegistration = () => {
    setRegistering(true);
    // Move focus into the fields that just appeared, so keyboard users land where they type next.
    queueMicrotask(() => accountFields.current?.querySelector('input')?.focus());
  };

  return (
    <form class="enquiry-form" onSubmit={submit} aria-busy={send.busy}>
      {props.children}
      <TextArea
        label={t('enquiry.message')}
        hint={t('enquiry.messageHint')}
        required
        maxLength={20000}
        rows={7}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      {signedInSeeker ? (
        <div class="actions">
          <button type="submit" class="primary" value="signed-in" disabled={send.busy}>
            {t('enquiry.send')}
          </button>
        </div>
      ) : (
        <>
          {registering && (
            <fieldset class="account-fields" ref={accountFields}>
              <legend>{t('enquiry.accountLegend')}</legend>
              <p class="hint">{t('enquiry.accountHint')}</p>
              <RegistrationFields value={registration} onChange={setRegistration} />
            </fieldset>
          )}
          <div class="actions">
            <button
              type="submit"
              class={registering ? '' : 'primary'}
              value="anonymous"
              // Half-filled account fields must not block sending without an account.
              formNoValidate={registering}
              disabled={send.busy}
            >
              {t('enquiry.sendAnonymously')}
            </button>
            {registering ? (
              // Distinct keys: the click that reveals the fields must not land on a submit button.
              <button key="register" type="submit" class="primary" value="register" disabled={send.busy}>
                {t('enquiry.registerAndSend')}
              </button>
            ) : (
              <button key="reveal" type="button" onClick={openRegistration} disabled={send.busy}>
                {t('enquiry.registerAndSend')}
              </button>
            )}
          </div>
          <ul class="ways">
            <li>{t('enquiry.anonymousExplained')}</li>
            <li>{t('enquiry.registerExplained')}</li>
          </ul>
        </>
      )}
      {send.busy && <p role="status" class="muted">{t('enquiry.sending')}</p>}
      <ErrorText error={problem ? t(problem) : send.error ? seekerError(send.error, t) : null} />
    </form>
  );
}
