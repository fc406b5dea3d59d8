import { useState } from 'preact/hooks';
import type { AdminAgency } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ErrorText, Field } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import type { AdminData } from './admin-data.ts';
import { parsePostcodeRanges } from './postcodes.ts';

/** More postcodes or topics for an existing agency (nothing is taken away here). */
export function ExtendAgencyForms({ agency, data }: { agency: AdminAgency; data: AdminData }) {
  const t = useT('admin');
  const client = useClient();
  const [postcodes, setPostcodes] = useState('');
  const [invalid, setInvalid] = useState<string[]>([]);
  const [topicIds, setTopicIds] = useState<string[]>([]);
  const [done, setDone] = useState<'postcodes' | 'topics' | null>(null);

  const addPostcodes = useAction(async () => {
    const parsed = parsePostcodeRanges(postcodes);
    setInvalid(parsed.invalid);
    if (parsed.invalid.length > 0 || parsed.ranges.length === 0) return;
    await client.adminAddPostcodes(agency.id, parsed.ranges);
    setPostcodes('');
    setDone('postcodes');
    await data.agencies.reload();
  });
  const addTopics = useAction(async () => {
    if (topicIds.length === 0) return;
    await client.adminAddTopics(agency.id, topicIds);
    setTopicIds([]);
    setDone('topics');
    await data.agencies.reload();
  });

  const served = new Set(agency.topics.map((topic) => topic.id));
  const others = (data.topics.data ?? []).filter((topic) => !served.has(topic.id));

  return (
    <div class="extend">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setDone(null);
          void addPostcodes.run();
        }}
      >
        <Field
          label={t('agencies.extend.postcodes')}
          hint={t('agencies.form.postcodesHint')}
          value={postcodes}
          onInput={(event) => setPostcodes(event.currentTarget.value)}
        />
        <ErrorText error={invalid.length > 0 ? t('agencies.form.postcodesInvalid', { entries: invalid.join(', ') }) : addPostcodes.error} />
        <button type="submit" disabled={addPostcodes.busy}>
          {t('agencies.extend.addPostcodes')}
        </button>
      </form>
      {others.length > 0 && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setDone(null);
            void addTopics.run();
          }}
        >
          <fieldset>
            <legend>{t('agencies.extend.topics')}</legend>
            {others.map((topic) => (
              <div class="checkbox" key={topic.id}>
                <input
                  id={`extend-${agency.id}-${topic.id}`}
                  type="checkbox"
                  checked={topicIds.includes(topic.id)}
                  onChange={(event) =>
                    setTopicIds(event.currentTarget.checked ? [...topicIds, topic.id] : topicIds.filter((id) => id !== topic.id))
                  }
                />
                <label for={`extend-${agency.id}-${topic.id}`}>{topic.name}</label>
              </div>
            ))}
          </fieldset>
          <ErrorText error={addTopics.error} />
          <button type="submit" disabled={addTopics.busy}>
            {t('agencies.extend.addTopics')}
          </button>
        </form>
      )}
      <div role="status">{done && <p class="notice notice-success">{t(`agencies.extend.done.${done}`)}</p>}</div>
    </div>
  );
}
