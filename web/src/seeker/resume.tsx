import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { CounselClient } from '@counsel/client-sdk/browser';
import { ErrorText, Field, Notice } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { clientOptions, useSession } from '../session/session.tsx';
import { seekerError } from './seeker-errors.ts';
import './seeker.css';

/**
 * `/resume`: an anonymous seeker opens their conversations on this device with the code they
 * created on another. The code unlocks the identity's keys in this browser; the server only
 * ever sees values derived from it.
 */
export function ResumeWithCode() {
  const t = useT('seeker');
  const { me, signIn } = useSession();
  const { route } = useLocation();
  const [code, setCode] = useState('');
  const resume = useAction(async () => {
    const client = await CounselClient.resumeWithCode({ ...clientOptions(), code: code.trim() });
    await signIn(client);
    route('/threads');
  });

  return (
    <section class="narrow">
      <h1 id="resume-title">{t('resume.title')}</h1>
      <p>{t('resume.intro')}</p>
      {me && <Notice kind="warning">{me.isAnonymous ? t('resume.replacesAnonymous') : t('resume.signedIn')}</Notice>}
      <form
        class="card"
        aria-busy={resume.busy}
        onSubmit={(event) => {
          event.preventDefault();
          void resume.run();
        }}
      >
        <Field
          label={t('resume.code')}
          hint={t('resume.codeHint')}
          required
          autoComplete="off"
          autoCapitalize="off"
          spellcheck={false}
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
        />
        <div class="actions">
          <button type="submit" class="primary" disabled={resume.busy}>
            {t('resume.submit')}
          </button>
        </div>
        {resume.busy && <p role="status" class="muted">{t('resume.busy')}</p>}
        <ErrorText error={resume.error ? seekerError(resume.error, t) : null} />
      </form>
      <p>
        <a href="/">{t('resume.newConversation')}</a>
      </p>
    </section>
  );
}
