import { useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { ThreadSummary } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useLiveEvents, useLoad } from '../ui/hooks.ts';
import { ErrorText, Loading, formatTime } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { claimEnquiry } from './claim.ts';
import './counsellor.css';

/**
 * First enquiries of every agency the counsellor belongs to. Live: a new enquiry appears by
 * itself, and one a colleague claimed leaves the list at once (pushed by the server).
 */
export function Inbox() {
  const t = useT('counsellor');
  const client = useClient();
  const { route } = useLocation();
  const enquiries = useLoad(() => client.listEnquiries(), [client]);
  // Claimed meanwhile; kept so that a reload already under way cannot bring one back.
  const gone = useRef(new Set<string>());
  const [claiming, setClaiming] = useState<string | null>(null);
  const [claimError, setClaimError] = useState<unknown>(null);
  const [status, setStatus] = useState('');

  const remove = (threadId: string) => {
    gone.current.add(threadId);
    enquiries.setData((list) => list?.filter((thread) => thread.id !== threadId) ?? list);
  };

  useLiveEvents(
    (event) => {
      if (event.type === 'enquiry.claimed') remove(event.threadId);
      if (event.type === 'enquiry.new') {
        setStatus(t('inbox.arrived'));
        void enquiries.reload();
      }
      if (event.type === 'resync') void enquiries.reload();
    },
    [enquiries.reload],
  );

  const claim = async (thread: ThreadSummary) => {
    setClaiming(thread.id);
    setClaimError(null);
    setStatus('');
    try {
      if ((await claimEnquiry(client, thread)) === 'claimed') {
        route(`/threads/${thread.id}`);
        return;
      }
      remove(thread.id);
      setStatus(t('claim.taken'));
    } catch (error) {
      setClaimError(error);
    } finally {
      setClaiming(null);
    }
  };

  const visible = (enquiries.data ?? []).filter((thread) => !gone.current.has(thread.id));

  return (
    <section class="counsellor-page">
      <h1>{t('inbox.title')}</h1>
      <p class="muted">{t('inbox.intro')}</p>
      {/* Always present, so screen readers announce what is put into it. */}
      <p class="live-status" role="status">
        {status}
      </p>
      <ErrorText error={claimError} />
      {enquiries.error ? (
        <ErrorText error={enquiries.error} />
      ) : enquiries.data === null ? (
        <Loading />
      ) : visible.length === 0 ? (
        <p class="empty">{t('inbox.empty')}</p>
      ) : (
        <ul class="list case-list">
          {visible.map((thread) => (
            <li key={thread.id}>
              <div class="row">
                <div>
                  <h2 class="case-title" id={`enquiry-${thread.id}`}>
                    {thread.topicName}
                  </h2>
                  <p class="case-meta">
                    <span>{thread.agencyName}</span>
                    {thread.isTeam && <span class="tag">{t('common.teamAgency')}</span>}
                    <span>{t('inbox.received', { time: formatTime(thread.createdAt) })}</span>
                  </p>
                </div>
                <div class="actions">
                  <a class="button" href={`/threads/${thread.id}`} aria-describedby={`enquiry-${thread.id}`}>
                    {t('inbox.read')}
                  </a>
                  <button
                    type="button"
                    class="primary"
                    aria-describedby={`enquiry-${thread.id}`}
                    disabled={claiming !== null}
                    onClick={() => void claim(thread)}
                  >
                    {claiming === thread.id ? t('claim.busy') : t('claim.button')}
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
