import { useT } from '../i18n/i18n.ts';

/**
 * What a visitor should know before writing: who can read it, what "anonymous" means here, and
 * how to get back to an anonymous conversation from another device.
 */
export function HowItWorks() {
  const t = useT('seeker');
  return (
    <aside class="card how-it-works" aria-labelledby="how-it-works-title">
      <h2 id="how-it-works-title">{t('how.title')}</h2>
      <ul>
        <li>{t('how.encrypted')}</li>
        <li>{t('how.anonymous')}</li>
        <li>{t('how.resumeCode')}</li>
        <li>{t('how.account')}</li>
      </ul>
      <p>
        <a href="/resume">{t('how.haveResumeCode')}</a>
      </p>
      <p>
        <a href="/register">{t('how.registerFirst')}</a>
      </p>
      <p class="emergency">{t('how.emergency')}</p>
    </aside>
  );
}
