import { useState } from 'preact/hooks';
import type { Topic } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ErrorText, Field, Loading } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import type { AdminData } from './admin-data.ts';

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** Topics (consulting types). Each new topic gets its own online agency for postcodes no agency serves. */
export function TopicsSection({ data }: { data: AdminData }) {
  const t = useT('admin');
  const client = useClient();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Topic | null>(null);
  const [duplicate, setDuplicate] = useState(false);

  const create = useAction(async () => {
    const topic = await client.adminCreateTopic(name.trim());
    setCreated(topic);
    setName('');
    await Promise.all([data.topics.reload(), data.agencies.reload()]);
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setCreated(null);
    const exists = (data.topics.data ?? []).some((topic) => sameName(topic.name, name));
    setDuplicate(exists);
    if (exists || !name.trim()) return;
    if (!(await create.run())) {
      // Topic names are unique; the server may only say "failed", so look again before explaining.
      await data.topics.reload();
    }
  };
  const duplicateAfterFailure =
    create.error !== null && (data.topics.data ?? []).some((topic) => sameName(topic.name, name));

  return (
    <section aria-labelledby="admin-topics" class="admin-section">
      <h2 id="admin-topics">{t('topics.title')}</h2>
      {data.topics.error ? (
        <ErrorText error={data.topics.error} />
      ) : !data.topics.data ? (
        <Loading />
      ) : data.topics.data.length === 0 ? (
        <p class="muted">{t('topics.empty')}</p>
      ) : (
        <ul class="topic-list">
          {data.topics.data.map((topic) => (
            <li key={topic.id}>{topic.name}</li>
          ))}
        </ul>
      )}
      <form class="card" onSubmit={submit}>
        <h3>{t('topics.createTitle')}</h3>
        <p class="muted">{t('topics.createIntro')}</p>
        <Field label={t('topics.name')} value={name} maxLength={200} onInput={(event) => {
            setName(event.currentTarget.value);
            setDuplicate(false);
          }}
        />
        <ErrorText error={duplicate || duplicateAfterFailure ? t('topics.duplicate') : create.error} />
        <div role="status">
          {created && <p class="notice notice-success">{t('topics.created', { name: created.name })}</p>}
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={create.busy}>
            {t('topics.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
