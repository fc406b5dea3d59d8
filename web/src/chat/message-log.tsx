import { useLayoutEffect, useRef } from 'preact/hooks';
import type { DecryptedMessage } from '@counsel/client-sdk/browser';
import { formatTime } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';

/** How close to the bottom (px) still counts as "reading the newest messages". */
const NEAR_BOTTOM = 80;

/**
 * The conversation as a live region (`role="log"`): screen readers announce each message that
 * is appended. It scrolls itself to the newest message, unless the reader has scrolled up to
 * read older ones. Focusable, so keyboard users can scroll it.
 */
export function MessageLog(props: { messages: DecryptedMessage[]; myId: string; nameOf(userId: string | null): string; loaded: boolean }) {
  const t = useT('chat');
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [props.messages]);

  return (
    <div
      class="message-log"
      role="log"
      aria-label={t('log.label')}
      tabIndex={0}
      ref={box}
      onScroll={(event) => {
        const element = event.currentTarget;
        stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM;
      }}
    >
      {props.loaded && props.messages.length === 0 && <p class="muted log-empty">{t('log.empty')}</p>}
      <ol class="messages">
        {props.messages.map((message) => (
          <MessageItem key={message.seq} message={message} mine={message.senderId === props.myId} sender={props.nameOf(message.senderId)} />
        ))}
      </ol>
    </div>
  );
}

function MessageItem({ message, mine, sender }: { message: DecryptedMessage; mine: boolean; sender: string }) {
  const t = useT('chat');
  const failed = message.text === null;
  return (
    <li class={`message ${mine ? 'mine' : 'theirs'}${failed ? ' failed' : ''}`}>
      <p class="message-meta">
        <span class="sender">{sender}</span>
        <span class="visually-hidden">, </span>
        <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
      </p>
      {failed ? (
        // Never show anything of an unverified message as if it were text.
        <div class="message-failure">
          <p>
            <strong>{t('log.failed')}</strong>
          </p>
          <p class="hint">
            {t(`log.reasons.${failureReason(message.failure)}`)} {t('log.failureCode')} <code>{message.failure ?? 'unknown'}</code>
          </p>
        </div>
      ) : (
        <p class="message-text">{message.text}</p>
      )}
    </li>
  );
}

const EXPLAINED = new Set(['badSignature', 'unknownEpoch', 'identityKeyChanged', 'decryptionFailed', 'unknownSender', 'badEnvelope']);

/** The catalogue key explaining a failure code such as `crypto.badSignature`. */
function failureReason(failure: string | null): string {
  const name = failure?.replace(/^crypto\./, '') ?? '';
  return EXPLAINED.has(name) ? name : 'other';
}
