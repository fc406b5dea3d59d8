import { useId, useState } from 'preact/hooks';
import type { ThreadDetail } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useLoad } from '../ui/hooks.ts';
import { ErrorText, Loading } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { AccessLogTable } from './access-log-table.tsx';
import { useColleagueNames } from './colleagues.ts';

/** "Access log" disclosure of one case: loaded only when opened. */
export function ThreadAccessLog({ detail }: { detail: ThreadDetail }) {
  const t = useT('counsellor');
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div class="disclosure">
      <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        {t('accessLog.toggle')}
      </button>
      <div id={panelId} hidden={!open}>
        {open && <AccessLogPanel detail={detail} />}
      </div>
    </div>
  );
}

function AccessLogPanel({ detail }: { detail: ThreadDetail }) {
  const t = useT('counsellor');
  const client = useClient();
  const log = useLoad(() => client.threadAccessLog(detail.id), [client, detail.id]);
  const names = useColleagueNames(client, [detail.agencyId]);
  if (log.error) return <ErrorText error={log.error} />;
  if (!log.data) return <Loading />;
  if (log.data.length === 0) return <p class="muted">{t('accessLog.empty')}</p>;
  return <AccessLogTable entries={log.data} names={names} caption={t('accessLog.caption')} />;
}
