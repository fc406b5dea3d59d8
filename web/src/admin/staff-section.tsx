import { useT } from '../i18n/i18n.ts';
import { ErrorText, Loading } from '../ui/components.tsx';
import type { AdminData } from './admin-data.ts';
import { CreateStaffForm } from './create-staff-form.tsx';

/** Counsellors and administrators: who is activated, and where each counsellor works. */
export function StaffSection({ data }: { data: AdminData }) {
  const t = useT('admin');
  const tc = useT();
  const staff = data.staff;
  return (
    <section aria-labelledby="admin-staff" class="admin-section">
      <h2 id="admin-staff">{t('staff.title')}</h2>
      {staff.error ? (
        <ErrorText error={staff.error} />
      ) : !staff.data ? (
        <Loading />
      ) : staff.data.length === 0 ? (
        <p class="muted">{t('staff.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{t('staff.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.columns.name')}</th>
                <th scope="col">{t('staff.columns.role')}</th>
                <th scope="col">{t('staff.columns.username')}</th>
                <th scope="col">{t('staff.columns.status')}</th>
                <th scope="col">{t('staff.columns.agencies')}</th>
              </tr>
            </thead>
            <tbody>
              {staff.data.map((person) => (
                <tr key={person.id}>
                  <th scope="row">{person.displayName ?? t('staff.unnamed')}</th>
                  <td>{tc(`roles.${person.role}`)}</td>
                  <td>{person.username ?? '—'}</td>
                  <td>
                    <span class={`tag ${person.activated ? 'status-active' : 'status-enquiry'}`}>
                      {person.activated ? t('staff.activated') : t('staff.pending')}
                    </span>
                  </td>
                  <td>
                    {person.memberships.length === 0
                      ? '—'
                      : person.memberships
                          .map((m) => (m.isAgencyAdmin ? t('staff.agencyAdminOf', { agency: m.agencyName }) : m.agencyName))
                          .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateStaffForm role="counsellor" data={data} />
      <CreateStaffForm role="admin" data={data} />
    </section>
  );
}
