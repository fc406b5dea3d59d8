import { useEffect, useId, useRef } from 'preact/hooks';
import type { TFunction } from 'i18next';
import { useT } from '../i18n/i18n.ts';
import { ErrorText, Notice } from '../ui/components.tsx';
import { useLoad } from '../ui/hooks.ts';
import { useClient } from '../session/session.tsx';
import { loadCallContext, type CallContext } from './call-context.ts';
import { callErrorMessage } from './call-errors.ts';
import type { CallManager, CallPhase, CallView as View } from './call-manager.ts';
import { InviteFields, useInvitees } from './invite-fields.tsx';
import { VideoTile } from './video-tile.tsx';

/** Phases in which we are in (or entering) the call: "Leave call" is offered. */
const IN_CALL: readonly CallPhase[] = ['starting', 'ringing', 'connecting', 'connected'];
/** Phases after which only closing the view is left. */
const OVER: readonly CallPhase[] = ['ended', 'failed', 'unsupported'];

interface Naming {
  context: CallContext | null;
  callerId: string | null;
  iAmSeeker: boolean;
}

/**
 * How a remote participant is named: counsellors by display name, seekers by their role. Who is
 * in a group session but not in the thread (someone else's client) stays "participant n"; the
 * caller of a call on someone else's thread is named by role.
 */
function personOf(t: TFunction, naming: Naming, userId: string, unnamedIndex: number) {
  const person = naming.context?.people.get(userId);
  if (person?.displayName) return { label: t('view.videoOf', { name: person.displayName }), caption: person.displayName };
  if (person?.role === 'seeker') return { label: t('view.videoOfSeeker'), caption: t('view.seeker') };
  if (userId === naming.callerId && naming.iAmSeeker) return { label: t('view.videoOfYourCounsellor'), caption: t('view.yourCounsellor') };
  const number = unnamedIndex + 1;
  return { label: t('view.videoOfParticipant', { number }), caption: t('view.participant', { number }) };
}

function statusText(t: TFunction, view: View): string {
  if (view.phase === 'preview') return t(view.role === 'caller' ? 'state.previewCaller' : 'state.previewCallee');
  if (view.phase === 'ringing' && view.group) return t('state.ringingGroup');
  if (view.phase === 'failed') return t(view.role === 'caller' ? 'state.failedCaller' : 'state.failedCallee');
  return t(`state.${view.phase}`);
}

/**
 * The call: camera preview first, then the others' video, the controls and the state. It is
 * rendered beside the page (not inside a route), so a call goes on while the person moves
 * between screens, e.g. to look something up in the chat.
 */
export function CallPanel({ manager, view }: { manager: CallManager; view: View }) {
  const t = useT('call');
  const client = useClient();
  const titleId = useId();
  const hintId = useId();
  const sectionRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  // What had focus when the view opened (the button that opened it); focus returns there.
  const opener = useRef(document.activeElement);
  // The control of ours that had focus last: when a step removes it, focus is rescued.
  const lastFocused = useRef<Element | null>(null);
  const context = useLoad(() => loadCallContext(client, view.threadId), [client, view.threadId]);
  const invitees = useInvitees(view);

  useEffect(() => {
    headingRef.current?.focus();
    return () => {
      const target = opener.current;
      // After this render: the opener may only now be shown again (the chat page's call button).
      setTimeout(() => {
        if (document.activeElement && document.activeElement !== document.body) return;
        if (target instanceof HTMLElement && target.isConnected && !target.hidden) target.focus();
        else document.getElementById('content')?.focus();
      }, 0);
    };
  }, []);

  // A step replaces the button that was pressed ("Call now", "Leave call"); keep the keyboard in
  // the view instead of dropping it on <body>. Focus elsewhere on the page is left alone.
  useEffect(() => {
    const active = document.activeElement;
    if (active && active !== document.body) return;
    if (!lastFocused.current || lastFocused.current.isConnected) return;
    (OVER.includes(view.phase) ? closeRef.current : headingRef.current)?.focus();
  }, [view.phase]);

  const about = view.about ?? (context.data?.topicName ? { topicName: context.data.topicName, agencyName: context.data.agencyName ?? '' } : null);
  const over = OVER.includes(view.phase);
  const inCall = IN_CALL.includes(view.phase);
  const hasAudio = (view.local?.getAudioTracks().length ?? 0) > 0;
  const hasVideo = (view.local?.getVideoTracks().length ?? 0) > 0;
  const ringId = view.role === 'callee' ? view.callId : null;
  const naming: Naming = { context: context.data, callerId: view.callerId, iAmSeeker: client.me.role === 'seeker' };
  // Numbered in the order they arrived, counting only those without a name.
  const unnamed = view.remotes
    .map((remote) => remote.userId)
    .filter((userId) => !context.data?.people.has(userId) && !(naming.iAmSeeker && userId === view.callerId));

  const toggles = (
    <>
      {hasAudio && (
        <button type="button" aria-pressed={view.micMuted} onClick={() => manager.setMicMuted(!view.micMuted)}>
          {t(view.micMuted ? 'view.unmute' : 'view.mute')}
        </button>
      )}
      {hasVideo && (
        <button type="button" aria-pressed={view.cameraOff} onClick={() => manager.setCameraOff(!view.cameraOff)}>
          {t(view.cameraOff ? 'view.cameraOn' : 'view.cameraOff')}
        </button>
      )}
    </>
  );

  return (
    <section
      ref={sectionRef}
      class="call-view"
      aria-labelledby={titleId}
      data-phase={view.phase}
      onFocusIn={(event) => (lastFocused.current = event.target as Element)}
      onFocusOut={(event) => {
        const next = event.relatedTarget as Node | null;
        // Moving elsewhere on the page (not a removal, which leaves the element disconnected).
        if (next && !sectionRef.current?.contains(next)) lastFocused.current = null;
      }}
    >
      <div class="call-head">
        <h2 id={titleId} ref={headingRef} tabIndex={-1}>
          {about ? t('view.titleAbout', { topic: about.topicName }) : t('view.title')}
          {about?.agencyName && <span class="call-agency"> · {about.agencyName}</span>}
        </h2>
        {!over && (
          <p class="call-e2ee">
            <svg aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
              <path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z" />
            </svg>
            {t('view.e2ee')}
          </p>
        )}
      </div>

      <p class="call-status" role="status">
        <span class={`call-dot call-dot-${view.phase}`} aria-hidden="true" />
        {statusText(t, view)}
        {view.phase === 'ended' && view.endReason && <span class="call-reason"> {t(`ended.${view.endReason}`)}</span>}
      </p>

      {view.phase === 'unsupported' && (
        <Notice kind="warning">
          <p>{t('view.unsupported')}</p>
          <p>{t('view.unsupportedHint')}</p>
        </Notice>
      )}
      {view.phase === 'failed' && <ErrorText error={callErrorMessage(view.error)} />}
      {view.phase !== 'failed' && view.error !== null && (
        <Notice kind="warning">{t('view.problem', { message: callErrorMessage(view.error) })}</Notice>
      )}
      {!over && view.mediaProblem && <Notice kind="warning">{t(`media.${view.mediaProblem}`)}</Notice>}

      {!over && (
        <div class={`call-stage${view.phase === 'preview' ? ' call-stage-preview' : ''}`}>
          {view.phase !== 'preview' && (
            <ul class="call-remotes" aria-label={t('view.participants')}>
              {view.remotes.map((remote) => {
                const person = personOf(t, naming, remote.userId, unnamed.indexOf(remote.userId));
                return (
                  <li key={remote.userId}>
                    <VideoTile
                      stream={remote.stream}
                      version={remote.version}
                      label={person.label}
                      caption={person.caption}
                      waitingText={t('view.waitingForVideo')}
                      large
                    />
                  </li>
                );
              })}
              {view.remotes.length === 0 && (
                <li class="call-empty">
                  <p>{t(view.phase === 'connected' ? 'view.aloneHint' : 'view.othersAppearHere')}</p>
                </li>
              )}
            </ul>
          )}
          <VideoTile
            stream={view.local}
            label={t('view.yourCamera')}
            caption={t('view.you')}
            self
            large={view.phase === 'preview'}
            placeholder={
              view.mediaLoading
                ? t('view.cameraStarting')
                : !hasVideo
                  ? t('view.noCamera')
                  : view.cameraOff
                    ? t('view.yourCameraIsOff')
                    : null
            }
          />
        </div>
      )}

      {view.phase === 'preview' && view.role === 'caller' ? (
        <form
          class="call-start"
          onSubmit={(event) => {
            event.preventDefault();
            void manager.call(invitees.chosen);
          }}
        >
          <InviteFields invitees={invitees} />
          <div class="actions call-actions">
            {toggles}
            <span class="call-spacer" />
            <button type="button" onClick={() => void manager.close()}>
              {t('view.cancel')}
            </button>
            <button type="submit" class="primary">
              {t('view.callNow')}
            </button>
          </div>
        </form>
      ) : (
        <div class="actions call-actions">
          {!over && toggles}
          <span class="call-spacer" />
          {view.phase === 'preview' && ringId && (
            <>
              <button type="button" key="decline" onClick={() => void manager.decline(ringId)}>
                {t('view.decline')}
              </button>
              <button type="button" key="join" class="primary" onClick={() => void manager.join()}>
                {t('view.joinNow')}
              </button>
            </>
          )}
          {inCall && (
            <button type="button" key="leave" class="danger" aria-describedby={view.role === 'caller' && view.group ? hintId : undefined} onClick={() => void manager.leave()}>
              {t('view.leave')}
            </button>
          )}
          {view.phase === 'unsupported' && ringId && (
            <button type="button" key="decline-unsupported" onClick={() => void manager.decline(ringId)}>
              {t('view.decline')}
            </button>
          )}
          {view.phase === 'failed' && view.role === 'caller' && (
            <button type="button" key="retry" onClick={() => manager.retry()}>
              {t('view.retry')}
            </button>
          )}
          {over && (
            <button type="button" key="close" ref={closeRef} class={view.phase === 'ended' ? 'primary' : undefined} onClick={() => void manager.close()}>
              {t('view.close')}
            </button>
          )}
        </div>
      )}
      {inCall && view.role === 'caller' && view.group && (
        <p class="hint" id={hintId}>
          {t('view.leaveEndsGroup')}
        </p>
      )}
    </section>
  );
}
