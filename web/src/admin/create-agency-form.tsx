import { useState, useId } from 'preact/hooks';
import { useClient } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ErrorText, Field } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import type { AdminData } from './admin-data.ts';
import { parsePostcodeRanges } from './postcodes.ts';

/** A counselling centre: its topics, the postcodes it serves, and whether colleagues cover as a team. */
export function CreateAgencyForm({ data }: { data: AdminData }) {
  const t = useT('admin');
  const titleId = useId();
  const client = useClient();
  const [name, setName] = useState('');
  const [isTeam, setIsTeam] = useState(false);
  const [topicIds, setTopicIds] = useState<string[]>([]);
  const [postcodes, setPostcodes] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const create = useAction(async (input: Parameters<typeof client.adminCreateAgency>[0]) => {
    await client.adminCreateAgency(input);
    setCreated(input.name);
    setName('');
    setIsTeam(false);
    setTopicIds([]);
    setPostcodes('');
    await Promise.all([data.agencies.reload(), data.staff.reload()]);
  });

  const submit = (event: Event) => {
    event.preventDefault();
    setCreated(null);
    const { ranges, invalid } = parsePostcodeRanges(postcodes);
    const found = !name.trim()
      ? t('agencies.form.nameMissing')
      : topicIds.length === 0
        ? t('agencies.form.topicMissing')
        : invalid.length > 0
          ? t('agencies.form.postcodesInvalid', { entries: invalid.join(', ') })
          : null;
    setProblem(found);
    if (!found) void create.run({ name: name.trim(), isTeam, topicIds, postcodeRanges: ranges });
  };

  const topics = data.topics.data ?? [];
  return (
    <form class="card" onSubmit={submit} aria-labelledby={titleId}>
      <h3 id={titleId}>{t('agencies.form.title')}</h3>
      <Field label={t('agencies.form.name')} value={name} maxLength={200} onInput={(event) => setName(event.currentTarget.value)} />
      <div class="checkbox">
        <input id="agency-team" type="checkbox" checked={isTeam} onChange={(event) => setIsTeam(event.currentTarget.checked)} aria-describedby="agency-team-hint" />
        <label for="agency-team">{t('agencies.form.team')}</label>
      </div>
      <p class="hint checkbox-hint" id="agency-team-hint">
        {t('agencies.form.teamHint')}
      </p>
      <fieldset>
        <legend>{t('agencies.form.topics')}</legend>
        {topics.length === 0 ? (
          <p class="muted">{t('agencies.form.noTopics')}</p>
        ) : (
          topics.map((topic) => (
            <div class="checkbox" key={topic.id}>
              <input
                id={`agency-topic-${topic.id}`}
                type="checkbox"
                checked={topicIds.includes(topic.id)}
                onChange={(event) =>
                  setTopicIds(event.currentTarget.checked ? [...topicIds, topic.id] : topicIds.filter((id) => id !== topic.id))
                }
              />
              <label for={`agency-topic-${topic.id}`}>{topic.name}</label>
            </div>
          ))
        )}
      </fieldset>
      <Field
        label={t('agencies.form.postcodes')}
        hint={t('agencies.form.postcodesHint')}
        value={postcodes}
        onInput={(event) => setPostcodes(event.currentTarget.value)}
      />
      <ErrorText error={problem ?? create.error} />
      <div role="status">{created && <p class="notice notice-success">{t('agencies.form.created', { name: created })}</p>}</div>
      <div class="actions">
        <button type="submit" class="primary" disabled={create.busy}>
          {t('agencies.form.submit')}
        </button>
      </div>
    </form>
  );
}
