import { useRef, useState } from 'preact/hooks';
import { CryptoError, CryptoFailure, type DecryptedMessage } from '@counsel/client-sdk/browser';
import { ErrorText, TextArea } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { errorCode, errorMessage } from '../ui/errors.ts';
import { useT } from '../i18n/i18n.ts';
import { useClient } from '../session/session.tsx';

/** Raised by the page itself while a participant's changed key is not verified: fail closed. */
class UnverifiedKeyError extends Error {}

/**
 * Writing a message. The text stays in the box until the server has stored the message, and a
 * retry after a failure reuses the same client message id, so the server keeps it once even if
 * the first try did arrive. Ctrl/Cmd+Enter sends.
 */
export function Composer(props: { threadId: string; keyUnverified: boolean; onSent(message: DecryptedMessage): void }) {
  const t = useT('chat');
  const client = useClient();
  const form = useRef<HTMLFormElement>(null);
  const [text, setText] = useState('');
  const pending = useRef<{ text: string; id: string } | null>(null);

  const send = useAction(async () => {
    if (props.keyUnverified) throw new UnverifiedKeyError();
    const body = text.trim();
    if (!body) return;
    if (pending.current?.text !== body) pending.current = { text: body, id: crypto.randomUUID() };
    const stored = await client.sendMessage(props.threadId, body, { clientMessageId: pending.current.id });
    // Shown from our own decryption of what the server stored, like every other message.
    const [mine] = await client.decryptMessages(props.threadId, [stored]);
    if (mine) props.onSent(mine);
    pending.current = null;
    setText('');
  });

  return (
    <form
      ref={form}
      class="composer"
      aria-busy={send.busy}
      onSubmit={(event) => {
        event.preventDefault();
        void send.run();
      }}
    >
      <TextArea
        label={t('composer.label')}
        hint={t('composer.hint')}
        rows={3}
        required
        maxLength={20000}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            form.current?.requestSubmit();
          }
        }}
      />
      <div class="composer-actions">
        <button type="submit" class="primary" disabled={send.busy}>
          {t('composer.send')}
        </button>
        {send.busy && (
          <span role="status" class="muted">
            {t('composer.sending')}
          </span>
        )}
      </div>
      <ErrorText error={send.error ? sendError(send.error, t) : null} />
    </form>
  );
}

function sendError(error: unknown, t: (key: string) => string): string {
  if (error instanceof UnverifiedKeyError) return t('composer.keyUnverified');
  if (error instanceof CryptoError && error.failure === CryptoFailure.IDENTITY_KEY_CHANGED) return t('composer.keyUnverified');
  if (errorCode(error) === 'THREAD_WRITE_FORBIDDEN') return t('composer.forbidden');
  return `${errorMessage(error)} ${t('composer.kept')}`;
}
