import { useState } from 'preact/hooks';
import { CopyButton, ErrorText } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { useClient } from '../session/session.tsx';
import { seekerError } from './seeker-errors.ts';

/**
 * For anonymous seekers: their identity lives only in this browser, so a resume code is the one
 * way to read the conversation elsewhere. The code is shown once (the server never has it) and
 * is as powerful as the identity itself, which the text says plainly.
 */
export function ResumeCodePanel() {
  const t = useT('seeker');
  const client = useClient();
  const [code, setCode] = useState<string | null>(null);
  const create = useAction(async () => setCode(await client.createResumeCode()));

  return (
    <section class="card resume-panel">
      <h2 id="resume-panel-title">{t('resumePanel.title')}</h2>
      <p>{t('resumePanel.explain')}</p>
      {code ? (
        <div class="resume-code" role="status">
          <p>{t('resumePanel.yourCode')}</p>
          <p>
            <code class="code-display">{code}</code>
          </p>
          <div class="actions">
            <CopyButton text={code} label={t('resumePanel.copy')} />
          </div>
          <p class="notice notice-warning">{t('resumePanel.keepSafe')}</p>
          <p class="hint">{t('resumePanel.shownOnce')}</p>
        </div>
      ) : (
        <div class="actions">
          <button type="button" class="primary" onClick={() => void create.run()} disabled={create.busy}>
            {t('resumePanel.create')}
          </button>
        </div>
      )}
      <ErrorText error={create.error ? seekerError(create.error, t) : null} />
    </section>
  );
}
