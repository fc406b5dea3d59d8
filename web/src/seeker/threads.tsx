import { useEffect } from 'preact/hooks';
import type { ThreadSummary } from '@counsel/client-sdk/browser';
import { ErrorText, Loading, formatTime } from '../ui/components.tsx';
import { useLiveEvents, useLoad } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { useClient, useSession } from '../session/session.tsx';
import { storage } from '../session/storage.ts';
import { ResumeCodePanel } from './resume-code-panel.tsx';
import './seeker.css';

interface Row {
  thread: ThreadSummary;
  unread: boolean;
}

/** Events after which the list may look different (status, counsellor, new activity). */
const CHANGES = new Set(['thread.status', 'thread.assigned', 'thread.epoch', 'thread.activity', 'enquiry.claimed']);

/** `/threads` for seekers: every conversation, newest activity first, with an unread marker. */
export function SeekerThreads() {
  const t = useT('seeker');
  const client = useClient();
  const { me, live } = useSession();
  const threads = useLoad(async (): Promise<Row[]> => {
    const list = await client.listMyThreads();
    const reads = await Promise.all(list.map((thread) => storage.lastRead(thread.id)));
    return list
      .map((thread, index) => ({ thread, unread: thread.lastSeq > (reads[index] ?? 0) }))
      .sort((a, b) => b.thread.updatedAt.localeCompare(a.thread.updatedAt));
  }, [client]);
  const { reload } = threads;

  useLiveEvents((event) => {
    if (CHANGES.has(event.type)) void reload();
  }, [reload]);
  // New messages arrive on the message channel, not as events.
  useEffect(() => live?.onMessage(() => void reload()), [live, reload]);

  return (
    <section>
      <div class="row">
        <h1 id="threads-title">{t('threads.title')}</h1>
        <a class="button" href="/">
          {t('threads.new')}
        </a>
      </div>
      {threads.error && <ErrorText error={threads.error} />}
      {!threads.data ? (
        !threads.error && <Loading />
      ) : threads.data.length === 0 ? (
        <p>
          {t('threads.empty')} <a href="/">{t('threads.findHelp')}</a>
        </p>
      ) : (
        <ul class="list thread-list">
          {threads.data.map((row) => (
            <li key={row.thread.id} class={row.unread ? 'unread' : undefined}>
              <ThreadLink {...row} />
            </li>
          ))}
        </ul>
      )}
      {me?.isAnonymous && <ResumeCodePanel />}
    </section>
  );
}

function ThreadLink({ thread, unread }: Row) {
  const t = useT('seeker');
  return (
    <div class="thread-row">
      <a href={`/threads/${thread.id}`} class="thread-link">
        <span class="thread-topic">{thread.topicName}</span>
        <span class="muted"> · {thread.agencyName}</span>
        {unread && <span class="visually-hidden"> ({t('threads.unread')})</span>}
      </a>
      <span class="thread-meta">
        {unread && (
          <span class="badge" aria-hidden="true">
            {t('threads.newBadge')}
          </span>
        )}
        <span class={`tag status-${thread.status}`}>{t(`status.${thread.status}`)}</span>
        <span class="muted">{t('threads.updated', { time: formatTime(thread.updatedAt) })}</span>
      </span>
    </div>
  );
}
