import { ErrorText, Loading } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import type { AdminData } from './admin-data.ts';
import { AgencyCard } from './agency-card.tsx';
import { CreateAgencyForm } from './create-agency-form.tsx';

export function AgenciesSection({ data }: { data: AdminData }) {
  const t = useT('admin');
  return (
    <section aria-labelledby="admin-agencies" class="admin-section">
      <h2 id="admin-agencies">{t('agencies.title')}</h2>
      {data.agencies.error ? (
        <ErrorText error={data.agencies.error} />
      ) : !data.agencies.data ? (
        <Loading />
      ) : data.agencies.data.length === 0 ? (
        <p class="muted">{t('agencies.empty')}</p>
      ) : (
        <ul class="list agency-list">
          {data.agencies.data.map((agency) => (
            <AgencyCard key={agency.id} agency={agency} data={data} />
          ))}
        </ul>
      )}
      <CreateAgencyForm data={data} />
    </section>
  );
}
