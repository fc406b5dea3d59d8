import { useId, useState } from 'preact/hooks';
import { linkUrl, type AdminAgency } from '@counsel/client-sdk/browser';
import { useT } from '../i18n/i18n.ts';
import { CopyButton } from '../ui/components.tsx';
import type { AdminData } from './admin-data.ts';
import { AgencyMembers } from './agency-members.tsx';
import { ExtendAgencyForms } from './extend-agency.tsx';
import { formatRange } from './postcodes.ts';

/** One agency with everything an admin changes about it: members, postcodes, topics. */
export function AgencyCard({ agency, data }: { agency: AdminAgency; data: AdminData }) {
  const t = useT('admin');
  const headingId = useId();
  const [extending, setExtending] = useState(false);
  const panelId = useId();
  const link = linkUrl(location.origin, agency.linkCode);
  return (
    <li>
      <article aria-labelledby={headingId} class="agency-card">
        <h3 id={headingId}>{agency.name}</h3>
        <p class="agency-tags">
          {agency.isTeam ? <span class="tag">{t('agencies.team')}</span> : <span class="tag tag-plain">{t('agencies.notTeam')}</span>}
          {agency.isVirtual && <span class="tag tag-plain">{t('agencies.virtual')}</span>}
        </p>
        <dl class="facts">
          <dt>{t('agencies.topics')}</dt>
          <dd>{agency.topics.map((topic) => topic.name).join(', ') || '—'}</dd>
          <dt>{t('agencies.postcodes')}</dt>
          <dd>
            {agency.isVirtual
              ? t('agencies.everywhere')
              : agency.postcodeRanges.map(formatRange).join(', ') || t('agencies.noPostcodes')}
          </dd>
          <dt>{t('agencies.link')}</dt>
          <dd>
            <span class="link-url">{link}</span> <CopyButton text={link} label={t('agencies.copyLink')} />
          </dd>
        </dl>
        <AgencyMembers agency={agency} data={data} />
        {!agency.isVirtual && (
          <div class="disclosure">
            <button type="button" aria-expanded={extending} aria-controls={panelId} onClick={() => setExtending(!extending)}>
              {t('agencies.extend.toggle')}
            </button>
            <div id={panelId} hidden={!extending}>
              {extending && <ExtendAgencyForms agency={agency} data={data} />}
            </div>
          </div>
        )}
      </article>
    </li>
  );
}
