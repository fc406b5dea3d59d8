import { useLocation } from 'preact-iso';
import type { AgencySummary } from '@counsel/client-sdk/browser';
import { ErrorText, Loading, Notice } from '../ui/components.tsx';
import { useLoad } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { useSession } from '../session/session.tsx';
import { publicDirectory } from './directory.ts';
import { AbsenceList, AgencyList, SearchForm } from './agency-search.tsx';
import { EnquiryForm } from './enquiry-form.tsx';
import { HowItWorks } from './how-it-works.tsx';
import { useFocusHeading } from './use-focus-heading.ts';
import './seeker.css';

/**
 * The centre's start page. The search and the chosen centre live in the address
 * (`/?topic=…&postcode=…&agency=…`), so Back returns to the results and a reload keeps the step.
 */
export function Landing() {
  const t = useT('seeker');
  const { query, route } = useLocation();
  const { me } = useSession();
  const topicId = query.topic ?? '';
  const postcode = query.postcode ?? '';
  const topics = useLoad(() => publicDirectory().listTopics(), []);
  const results = useLoad(
    () => (topicId && postcode ? publicDirectory().findAgencies(topicId, postcode) : Promise.resolve(null)),
    [topicId, postcode],
  );
  const chosen = results.data?.find((agency) => agency.id === query.agency) ?? null;
  const resultsHeading = useFocusHeading<HTMLHeadingElement>(results.data && !chosen ? `${topicId}/${postcode}` : null);

  const search = (nextTopic: string, nextPostcode: string) =>
    route(`/?${new URLSearchParams({ topic: nextTopic, postcode: nextPostcode }).toString()}`);
  const choose = (agency: AgencySummary) =>
    route(`/?${new URLSearchParams({ topic: topicId, postcode, agency: agency.id }).toString()}`);

  return (
    <div class="landing">
      <section class="landing-main">
        <h1 id="landing-title">{t('landing.title')}</h1>
        <p class="lead">{t('landing.intro')}</p>
        {query.deleted === '1' && !me && <Notice kind="success">{t('landing.accountDeleted')}</Notice>}
        {me?.role === 'seeker' && (
          <p class="notice">
            {t('landing.signedIn')} <a href="/threads">{t('landing.myThreads')}</a>
          </p>
        )}
        {topics.error ? (
          <ErrorText error={topics.error} />
        ) : !topics.data ? (
          <Loading />
        ) : topics.data.length === 0 ? (
          <Notice>{t('landing.noTopics')}</Notice>
        ) : chosen ? (
          <WriteTo agency={chosen} topicId={topicId} onBack={() => search(topicId, postcode)} />
        ) : (
          <>
            <SearchForm
              key={`${topicId}/${postcode}`}
              topics={topics.data}
              topicId={topicId}
              postcode={postcode}
              onSearch={search}
            />
            {results.error && <ErrorText error={results.error} />}
            {topicId && postcode && results.loading && !results.data && <Loading />}
            {results.data && (
              <section>
                <h2 id="results-title" tabIndex={-1} ref={resultsHeading}>
                  {t('results.title', { postcode })}
                </h2>
                <AgencyList agencies={results.data} onChoose={choose} />
              </section>
            )}
          </>
        )}
      </section>
      <HowItWorks />
    </div>
  );
}

function WriteTo(props: { agency: AgencySummary; topicId: string; onBack(): void }) {
  const t = useT('seeker');
  const heading = useFocusHeading<HTMLHeadingElement>(props.agency.id);
  return (
    <section class="card write-to">
      <h2 id="write-to-title" tabIndex={-1} ref={heading}>
        {t('enquiry.title', { name: props.agency.name })}
      </h2>
      <AbsenceList notices={props.agency.absenceNotices} />
      <EnquiryForm topicId={props.topicId} agencyId={props.agency.id} />
      <p>
        <button type="button" class="link" onClick={props.onBack}>
          {t('enquiry.back')}
        </button>
      </p>
    </section>
  );
}
