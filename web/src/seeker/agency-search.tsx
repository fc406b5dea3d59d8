import { useState } from 'preact/hooks';
import type { AgencySummary, Topic } from '@counsel/client-sdk/browser';
import { Field } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { AbsenceText } from '../chat/absence-notice.tsx';
import { TopicSelect } from './topic-select.tsx';

/** Topic and postcode: all a visitor needs to say to find the centres that serve them. */
export function SearchForm(props: {
  topics: Topic[];
  topicId: string;
  postcode: string;
  onSearch(topicId: string, postcode: string): void;
}) {
  const t = useT('seeker');
  // A single topic needs no choice; it is preselected.
  const [topicId, setTopicId] = useState(props.topicId || (props.topics.length === 1 ? props.topics[0]!.id : ''));
  const [postcode, setPostcode] = useState(props.postcode);
  return (
    <form
      class="card search-form"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSearch(topicId, postcode.trim());
      }}
    >
      <h2>{t('search.title')}</h2>
      <div class="search-fields">
        <TopicSelect id="search-topic" topics={props.topics} value={topicId} onChange={setTopicId} />
        <Field
          label={t('search.postcode')}
          id="search-postcode"
          aria-describedby="search-postcode-hint"
          required
          inputMode="numeric"
          autoComplete="postal-code"
          pattern="[0-9]{5}"
          maxLength={5}
          value={postcode}
          onInput={(event) => setPostcode(event.currentTarget.value)}
        />
      </div>
      {/* Below both fields, so the two inputs stay on one line. */}
      <p class="hint" id="search-postcode-hint">
        {t('search.postcodeHint')}
      </p>
      <div class="actions">
        <button type="submit" class="primary">
          {t('search.submit')}
        </button>
      </div>
    </form>
  );
}

/** The centres that serve the postcode (or the topic's online team when none does locally). */
export function AgencyList(props: { agencies: AgencySummary[]; onChoose(agency: AgencySummary): void }) {
  const t = useT('seeker');
  if (props.agencies.length === 0) return <p>{t('results.none')}</p>;
  return (
    <ul class="list agency-list">
      {props.agencies.map((agency) => (
        <li key={agency.id}>
          <AgencyItem agency={agency} onChoose={() => props.onChoose(agency)} />
        </li>
      ))}
    </ul>
  );
}

function AgencyItem({ agency, onChoose }: { agency: AgencySummary; onChoose(): void }) {
  const t = useT('seeker');
  return (
    <article class="agency">
      <h3>{agency.name}</h3>
      <p class="agency-badges">
        {agency.isVirtual && <span class="tag">{t('results.virtual')}</span>}
        {agency.isTeam && <span class="tag">{t('results.team')}</span>}
      </p>
      {agency.isVirtual && <p class="muted">{t('results.virtualExplained')}</p>}
      <AbsenceList notices={agency.absenceNotices} />
      <div class="actions">
        <button type="button" class="primary" onClick={onChoose}>
          {t('results.writeTo', { name: agency.name })}
        </button>
      </div>
    </article>
  );
}

export function AbsenceList({ notices }: { notices: AgencySummary['absenceNotices'] }) {
  if (notices.length === 0) return null;
  return (
    <ul class="absence-list">
      {notices.map((notice, index) => (
        <li key={index}>
          <AbsenceText name={notice.counsellorName} message={notice.message} until={notice.until} />
        </li>
      ))}
    </ul>
  );
}
