import { ErrorText } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { useT } from '../i18n/i18n.ts';
import { SafetyDigits } from './safety-number.tsx';

/**
 * A participant's identity key differs from the one pinned in this browser. That may be a new
 * device or account of theirs, or someone in the middle; only comparing the safety number tells.
 * Until the user confirms, this page sends nothing in the thread.
 */
export function KeyChangeAlert(props: { name: string; safetyNumber: string | null; onAccept(): Promise<void> }) {
  const t = useT('chat');
  const accept = useAction(props.onAccept);
  return (
    <div class="key-alert" role="alert">
      <h2>{t('keyChange.title', { name: props.name })}</h2>
      <p>{t('keyChange.explain', { name: props.name })}</p>
      <p>
        <strong>{t('keyChange.blocked')}</strong>
      </p>
      {props.safetyNumber && (
        <>
          <p>{t('keyChange.compare', { name: props.name })}</p>
          <SafetyDigits value={props.safetyNumber} />
        </>
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={() => void accept.run()} disabled={accept.busy}>
          {t('keyChange.accept')}
        </button>
      </div>
      <ErrorText error={accept.error} />
    </div>
  );
}
