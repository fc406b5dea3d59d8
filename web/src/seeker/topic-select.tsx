import type { Topic } from '@counsel/client-sdk/browser';
import { useT } from '../i18n/i18n.ts';

/** The labelled topic choice of the search and of link pages. */
export function TopicSelect(props: { id: string; topics: Topic[]; value: string; onChange(topicId: string): void }) {
  const t = useT('seeker');
  return (
    <div class="field">
      <label for={props.id}>{t('search.topic')}</label>
      <select id={props.id} required value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
        <option value="">{t('search.chooseTopic')}</option>
        {props.topics.map((topic) => (
          <option key={topic.id} value={topic.id}>
            {topic.name}
          </option>
        ))}
      </select>
    </div>
  );
}
