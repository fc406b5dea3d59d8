import { useState } from 'preact/hooks';
import { ErrorText, Loading, Notice } from '../ui/components.tsx';
import { errorCode } from '../ui/errors.ts';
import { useT } from '../i18n/i18n.ts';
import { useClient, useSession } from '../session/session.tsx';
import { CallControls } from '../call/call-controls.tsx';
import { CaseActions } from '../counsellor/case-actions.tsx';
import { TeamAccessGate } from '../counsellor/team-access-gate.tsx';
import { AbsenceText } from './absence-notice.tsx';
import { Composer } from './composer.tsx';
import { KeyChangeAlert } from './key-change-alert.tsx';
import { useKeyChanges } from '../session/key-changes.ts';
import { MessageLog } from './message-log.tsx';
import { nameResolver, peerName } from './names.ts';
import { SafetyNumberToggle, safetyNumberFor } from './safety-number.tsx';
import { ThreadHeader } from './thread-header.tsx';
import { useMarkRead } from './use-mark-read.ts';
import { useMessages } from './use-messages.ts';
import { useThread } from './use-thread.ts';
import './chat.css';

/**
 * `/threads/<id>` for seekers and counsellors alike. Counsellors pass the team-access gate first
 * (opening a colleague's case is logged, so it is confirmed before anything is loaded).
 */
export function ThreadPage({ threadId }: { threadId: string }) {
  const { me } = useSession();
  const view = <ThreadView key={threadId} threadId={threadId} />;
  return me?.role === 'counsellor' ? <TeamAccessGate threadId={threadId}>{view}</TeamAccessGate> : view;
}

function ThreadView({ threadId }: { threadId: string }) {
  const t = useT('chat');
  const client = useClient();
  const { me } = useSession();
  // Subscribed during render, before the loads below can meet a changed key.
  const keys = useKeyChanges(client);
  const [version, setVersion] = useState(0);
  const { detail, members, takenByColleague } = useThread(threadId);
  const log = useMessages(threadId, version);
  useMarkRead(threadId, log.messages.at(-1)?.seq);

  if (takenByColleague) {
    return (
      <section>
        <h1>{t('taken.title')}</h1>
        <p>{t('taken.text')}</p>
        <p>
          <a href="/inbox">{t('back.agency')}</a>
        </p>
      </section>
    );
  }
  if (detail.error && !detail.data) {
    const missing = errorCode(detail.error) === 'THREAD_NOT_FOUND';
    return (
      <section>
        <h1>{t('notFound.title')}</h1>
        {missing ? <p>{t('notFound.text')}</p> : <ErrorText error={detail.error} />}
      </section>
    );
  }
  if (!detail.data || !me) return <Loading />;

  const thread = detail.data;
  const memberList = members.data;
  const nameOf = nameResolver(t, me.id, thread.seekerId, memberList);
  const nameOfPeer = (userId: string) => peerName(t, thread.seekerId, memberList, userId);
  const peerId = thread.relation === 'seeker' ? thread.counsellorId : thread.seekerId;
  const counsellorName = thread.counsellorId ? nameOfPeer(thread.counsellorId) : null;
  const participants = new Set(memberList ? memberList.map((member) => member.userId) : [thread.seekerId, thread.counsellorId]);
  const changedHere = keys.changed.filter((userId) => participants.has(userId));
  const isCounsellor = me.role === 'counsellor';
  const reload = () => void detail.reload();

  return (
    <section class="thread-page">
      <ThreadHeader detail={thread} counsellorName={counsellorName}>
        {peerId && <SafetyNumberToggle value={safetyNumberFor(client, me, peerId, memberList)} peerName={nameOfPeer(peerId)} />}
        <CallControls threadId={threadId} detail={thread} />
      </ThreadHeader>

      {changedHere.map((userId) => (
        <KeyChangeAlert
          key={userId}
          name={nameOfPeer(userId)}
          safetyNumber={safetyNumberFor(client, me, userId, memberList)}
          onAccept={async () => {
            await keys.accept(userId);
            // Messages that failed verification under the old key are read again.
            setVersion((value) => value + 1);
            reload();
          }}
        />
      ))}

      {thread.relation === 'seeker' && thread.status === 'enquiry' && (
        <Notice>{t('notices.waiting', { agency: thread.agencyName })}</Notice>
      )}
      {thread.relation === 'seeker' && me.isAnonymous && (
        <p class="hint anonymous-hint">
          {t('notices.anonymous')} <a href="/settings">{t('notices.resumeCodeLink')}</a>
        </p>
      )}
      {thread.relation === 'team' && <Notice>{t('notices.team')}</Notice>}
      {(thread.status === 'closed' || thread.status === 'archived') && (
        <Notice>{thread.relation === 'seeker' ? t('notices.closedSeeker') : t('notices.closed')}</Notice>
      )}
      {thread.counsellorAbsence && (
        <p class="absence-note">
          <AbsenceText name={counsellorName} message={thread.counsellorAbsence.message} until={thread.counsellorAbsence.until} />
        </p>
      )}

      {isCounsellor && <CaseActions detail={thread} onChanged={reload} />}

      <h2 class="visually-hidden">
        {t('log.heading')}
      </h2>
      {log.error ? <ErrorText error={log.error} /> : !log.loaded && log.messages.length === 0 && <Loading />}
      <MessageLog messages={log.messages} myId={me.id} nameOf={nameOf} loaded={log.loaded} />

      {thread.relation === 'agency' ? (
        <Notice>{t('notices.claimFirst')}</Notice>
      ) : (
        <Composer threadId={threadId} keyUnverified={changedHere.length > 0} onSent={(message) => log.add([message])} />
      )}
    </section>
  );
}
