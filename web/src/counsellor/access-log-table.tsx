import type { AccessLogEntry } from '@counsel/client-sdk/browser';
import { formatTime } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';

/**
 * Team-view accesses: who opened (read) or wrote in a colleague's case, and when. Used for one
 * case (its owner sees it) and for a whole agency (admin console, with the case column).
 */
export function AccessLogTable(props: {
  entries: AccessLogEntry[];
  names: Map<string, string>;
  caption: string;
  showCase?: boolean;
}) {
  const t = useT('counsellor');
  return (
    <table class="access-log">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('accessLog.who')}</th>
          {props.showCase && <th scope="col">{t('accessLog.case')}</th>}
          <th scope="col">{t('accessLog.when')}</th>
          <th scope="col">{t('accessLog.what')}</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((entry) => (
          <tr key={entry.id}>
            <td>{props.names.get(entry.counsellorId) ?? t('accessLog.formerColleague')}</td>
            {props.showCase && (
              <td>
                <code class="case-id">{entry.threadId}</code>
              </td>
            )}
            <td>{formatTime(entry.accessedAt)}</td>
            <td>{t(`accessLog.action.${entry.action}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
