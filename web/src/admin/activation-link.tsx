import { CopyButton } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';

/**
 * The activation link of a new staff account. The server keeps only a hash of the code, so this
 * is the one moment it can be seen: the admin hands it over in person or by a secure channel.
 */
export function ActivationLink({ name, code }: { name: string; code: string }) {
  const t = useT('admin');
  const url = `${location.origin}/activate/${code}`;
  return (
    <div class="notice notice-success activation">
      <p>
        <strong>{t('staff.activation.created', { name })}</strong>
      </p>
      <p>{t('staff.activation.instructions')}</p>
      <p class="activation-url">
        <a href={url}>{url}</a>
      </p>
      <div class="actions">
        <CopyButton text={url} label={t('staff.activation.copy')} />
      </div>
      <p class="hint">{t('staff.activation.once')}</p>
    </div>
  );
}
