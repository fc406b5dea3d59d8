import { useId, useState } from 'preact/hooks';
import { useClient } from '../session/session.tsx';
import { useLoad } from '../ui/hooks.ts';
import { ErrorText, Loading } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { AccessLogTable } from '../counsellor/access-log-table.tsx';
import { staffNames, type AdminData } from './admin-data.ts';

/**
 * Team-view accesses of one agency: which counsellor opened or wrote in which colleague's case,
 * and when. Only team agencies have a team view, so only they are offered.
 */
export function AccessLogSection({ data }: { data: AdminData }) {
  const t = useT('admin');
  const selectId = useId();
  const teams = (data.agencies.data ?? []).filter((agency) => agency.isTeam);
  const [chosen, setChosen] = useState('');
  const agencyId = chosen || teams[0]?.id || '';
  return (
    <section aria-labelledby="admin-access-log" class="admin-section">
      <h2 id="admin-access-log">{t('accessLog.title')}</h2>
      <p class="muted">{t('accessLog.intro')}</p>
      {teams.length === 0 ? (
        <p class="muted">{t('accessLog.noTeams')}</p>
      ) : (
        <>
          <div class="field">
            <label for={selectId}>{t('accessLog.agency')}</label>
            <select id={selectId} value={agencyId} onChange={(event) => setChosen(event.currentTarget.value)}>
              {teams.map((agency) => (
                <option key={agency.id} value={agency.id}>
                  {agency.name}
                </option>
              ))}
            </select>
          </div>
          {agencyId && <AgencyLog agencyId={agencyId} data={data} name={teams.find((a) => a.id === agencyId)?.name ?? ''} />}
        </>
      )}
    </section>
  );
}

function AgencyLog({ agencyId, name, data }: { agencyId: string; name: string; data: AdminData }) {
  const t = useT('admin');
  const client = useClient();
  const log = useLoad(() => client.agencyAccessLog(agencyId), [client, agencyId]);
  if (log.error) return <ErrorText error={log.error} />;
  if (!log.data) return <Loading />;
  if (log.data.length === 0) return <p class="empty">{t('accessLog.empty', { agency: name })}</p>;
  return (
    <div class="table-scroll">
      <AccessLogTable entries={log.data} names={staffNames(data)} caption={t('accessLog.caption', { agency: name })} showCase />
      <div class="actions">
        <button type="button" onClick={() => void log.reload()}>
          {t('accessLog.refresh')}
        </button>
      </div>
    </div>
  );
}
