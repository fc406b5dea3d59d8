import { useT } from '../i18n/i18n.ts';
import { useAdminData } from './admin-data.ts';
import { TopicsSection } from './topics-section.tsx';
import { AgenciesSection } from './agencies-section.tsx';
import { StaffSection } from './staff-section.tsx';
import { AccessLogSection } from './access-log-section.tsx';
import './admin.css';

/**
 * The admin console on one page: topics, agencies (with members), staff, access log. Admins
 * set up the service; they never see content, and nothing here could show any.
 */
export function AdminHome() {
  const t = useT('admin');
  const data = useAdminData();
  return (
    <div class="admin">
      <h1>{t('title')}</h1>
      <p class="muted">{t('intro')}</p>
      <nav aria-label={t('sections')} class="admin-nav">
        <ul>
          <li>
            <a href="#admin-topics">{t('topics.title')}</a>
          </li>
          <li>
            <a href="#admin-agencies">{t('agencies.title')}</a>
          </li>
          <li>
            <a href="#admin-staff">{t('staff.title')}</a>
          </li>
          <li>
            <a href="#admin-access-log">{t('accessLog.title')}</a>
          </li>
        </ul>
      </nav>
      <TopicsSection data={data} />
      <AgenciesSection data={data} />
      <StaffSection data={data} />
      <AccessLogSection data={data} />
    </div>
  );
}
