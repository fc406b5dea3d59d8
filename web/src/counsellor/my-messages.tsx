import { useState } from 'preact/hooks';
import type { ThreadSummary } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useLoad } from '../ui/hooks.ts';
import { ErrorText, Loading, formatTime } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { useReloadOn } from './live-reload.ts';
import { byLastActivity, unreadThreadIds } from './unread.ts';
import './counsellor.css';

const FILTERS = ['active', 'closed', 'archived'] as const satisfies readonly ThreadSummary['status'][];
type Filter = (typeof FILTERS)[number];

/** The counsellor's own cases, by status, most recently active first, with "new" markers. */
export function MyMessages() {
  const t = useT('counsellor');
  const client = useClient();
  const [filter, setFilter] = useState<Filter>('active');

  // One request per status, so each tab can show its count and none is cut short by the others.
  const cases = useLoad(async () => {
    const lists = await Promise.all(FILTERS.map((status) => client.listThreads({ view: 'mine', status })));
    const all = lists.flat();
    return {
      byStatus: Object.fromEntries(FILTERS.map((status, index) => [status, [...(lists[index] ?? [])].sort(byLastActivity)])) as Record<
        Filter,
        typeof all
      >,
      unread: await unreadThreadIds(all),
    };
  }, [client]);

  useReloadOn(['thread.activity', 'thread.assigned', 'thread.status', 'enquiry.claimed'], cases.reload, { messages: true });

  const shown = cases.data?.byStatus[filter] ?? [];

  return (
    <section class="counsellor-page">
      <h1>{t('mine.title')}</h1>
      <div class="filter-tabs" role="group" aria-label={t('mine.filterLabel')}>
        {FILTERS.map((status) => (
          <button
            key={status}
            type="button"
            aria-pressed={filter === status}
            onClick={() => setFilter(status)}
          >
            {t(`mine.filter.${status}`)}
            {cases.data && <span class="count"> ({cases.data.byStatus[status].length})</span>}
          </button>
        ))}
      </div>
      {cases.error ? (
        <ErrorText error={cases.error} />
      ) : !cases.data ? (
        <Loading />
      ) : shown.length === 0 ? (
        <p class="empty">{t(`mine.empty.${filter}`)}</p>
      ) : (
        <ul class="list case-list">
          {shown.map((thread) => {
            const unread = cases.data?.unread.has(thread.id) ?? false;
            return (
              <li key={thread.id} class={unread ? 'unread' : undefined}>
                <div class="row">
                  <div>
                    <h2 class="case-title">
                      <a href={`/threads/${thread.id}`}>{thread.topicName}</a>
                      {unread && <span class="badge new-badge">{t('common.new')}</span>}
                    </h2>
                    <p class="case-meta">
                      <span>{thread.agencyName}</span>
                      <span>{t('common.started', { time: formatTime(thread.createdAt) })}</span>
                      <span>{t('common.lastActivity', { time: formatTime(thread.updatedAt) })}</span>
                    </p>
                  </div>
                  <span class={`tag status-${thread.status}`}>{t(`status.${thread.status}`)}</span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
