import { useState } from 'preact/hooks';
import type { LinkView, Topic } from '@counsel/client-sdk/browser';
import { ErrorText, Loading, Notice } from '../ui/components.tsx';
import { useLoad } from '../ui/hooks.ts';
import { errorCode } from '../ui/errors.ts';
import { useT } from '../i18n/i18n.ts';
import { useSession } from '../session/session.tsx';
import { publicDirectory } from './directory.ts';
import { EnquiryForm } from './enquiry-form.tsx';
import { HowItWorks } from './how-it-works.tsx';
import './seeker.css';
import { TopicSelect } from './topic-select.tsx';

/** Codes the server answers for a link that does not (or no longer) exist. */
const UNKNOWN_LINK = ['LINK_CODE_INVALID', 'NOT_FOUND', 'VALIDATION_FAILED'];

/**
 * `/l/<code>`: a counsellor's personal link or an agency's link. A new account made here carries
 * the code, so the server assigns the thread straight to that counsellor (personal link) or
 * files it in that agency's first enquiries (agency link).
 */
export function LinkLanding({ code = '' }: { code?: string }) {
  const t = useT('seeker');
  const link = useLoad(() => publicDirectory().resolveLink(code), [code]);
  const topics = useLoad(() => publicDirectory().listTopics(), []);

  if (link.error) {
    const unknown = UNKNOWN_LINK.includes(errorCode(link.error) ?? '');
    return (
      <section class="narrow">
        <h1 id="link-title">{t('link.invalidTitle')}</h1>
        {unknown ? <p>{t('link.invalid')}</p> : <ErrorText error={link.error} />}
        <p>
          <a href="/">{t('link.findHelp')}</a>
        </p>
      </section>
    );
  }
  if (!link.data || !topics.data) return topics.error ? <ErrorText error={topics.error} /> : <Loading />;
  return <LinkEnquiry link={link.data} code={code} topics={topics.data} />;
}

function LinkEnquiry(props: { link: LinkView; code: string; topics: Topic[] }) {
  const t = useT('seeker');
  const { me } = useSession();
  const { link } = props;
  const [topicId, setTopicId] = useState(props.topics.length === 1 ? props.topics[0]!.id : '');
  const personal = link.kind === 'counsellor';
  // An existing account was not made through this link; its message goes to the agency's inbox.
  const linkedAccount = me?.role === 'seeker' && personal && me.linkCounsellorId === link.counsellorId;
  const signedIn = me?.role === 'seeker';
  const agencyId = personal && (!signedIn || linkedAccount) ? undefined : link.agencyId;

  return (
    <div class="landing">
      <section class="landing-main">
        <h1 id="link-title">
          {personal
            ? t('link.titleCounsellor', { counsellor: link.counsellorName ?? t('link.yourCounsellor'), agency: link.agencyName })
            : t('link.titleAgency', { agency: link.agencyName })}
        </h1>
        <p class="lead">{personal ? t('link.introCounsellor') : t('link.introAgency')}</p>
        {signedIn && personal && !linkedAccount && <Notice>{t('link.existingAccount')}</Notice>}
        <div class="card">
          <EnquiryForm topicId={topicId} {...(agencyId ? { agencyId } : {})} linkCode={props.code}>
            <TopicSelect id="link-topic" topics={props.topics} value={topicId} onChange={setTopicId} />
          </EnquiryForm>
        </div>
      </section>
      <HowItWorks />
    </div>
  );
}
