import { useId, useState } from 'preact/hooks';
import { useClient } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ErrorText, Field } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import type { AdminData } from './admin-data.ts';
import { ActivationLink } from './activation-link.tsx';

/**
 * Creates a counsellor (with agencies) or an administrator. The account has no password and no
 * keys yet: the person sets both when opening the activation link.
 */
export function CreateStaffForm({ role, data }: { role: 'counsellor' | 'admin'; data: AdminData }) {
  const t = useT('admin');
  const titleId = useId();
  const client = useClient();
  const prefix = useId();
  const [displayName, setDisplayName] = useState('');
  const [agencyIds, setAgencyIds] = useState<string[]>([]);
  const [isAgencyAdmin, setIsAgencyAdmin] = useState(false);
  const [missing, setMissing] = useState(false);
  const [created, setCreated] = useState<{ name: string; code: string } | null>(null);

  const create = useAction(async () => {
    const name = displayName.trim();
    const result = await client.adminCreateStaff({
      role,
      displayName: name,
      agencyIds: role === 'counsellor' ? agencyIds : [],
      ...(role === 'counsellor' && isAgencyAdmin ? { isAgencyAdmin: true } : {}),
    });
    setCreated({ name, code: result.activationCode });
    setDisplayName('');
    setAgencyIds([]);
    setIsAgencyAdmin(false);
    await Promise.all([data.staff.reload(), data.agencies.reload()]);
  });

  const keys = role === 'counsellor' ? 'staff.counsellorForm' : 'staff.adminForm';
  const agencies = data.agencies.data ?? [];
  return (
    <form
      class="card"
      aria-labelledby={titleId}
      onSubmit={(event) => {
        event.preventDefault();
        const empty = !displayName.trim();
        setMissing(empty);
        if (!empty) {
          setCreated(null);
          void create.run();
        }
      }}
    >
      <h3 id={titleId}>{t(`${keys}.title`)}</h3>
      <p class="muted">{t(`${keys}.intro`)}</p>
      <Field
        label={t(`${keys}.name`)}
        value={displayName}
        maxLength={200}
        autocomplete="off"
        onInput={(event) => setDisplayName(event.currentTarget.value)}
      />
      {role === 'counsellor' && (
        <>
          <fieldset>
            <legend>{t('staff.counsellorForm.agencies')}</legend>
            {agencies.length === 0 ? (
              <p class="muted">{t('staff.counsellorForm.noAgencies')}</p>
            ) : (
              agencies.map((agency) => (
                <div class="checkbox" key={agency.id}>
                  <input
                    id={`${prefix}-${agency.id}`}
                    type="checkbox"
                    checked={agencyIds.includes(agency.id)}
                    onChange={(event) =>
                      setAgencyIds(event.currentTarget.checked ? [...agencyIds, agency.id] : agencyIds.filter((id) => id !== agency.id))
                    }
                  />
                  <label for={`${prefix}-${agency.id}`}>{agency.name}</label>
                </div>
              ))
            )}
          </fieldset>
          <div class="checkbox">
            <input
              id={`${prefix}-agency-admin`}
              type="checkbox"
              checked={isAgencyAdmin}
              aria-describedby={`${prefix}-agency-admin-hint`}
              onChange={(event) => setIsAgencyAdmin(event.currentTarget.checked)}
            />
            <label for={`${prefix}-agency-admin`}>{t('staff.counsellorForm.agencyAdmin')}</label>
          </div>
          <p class="hint checkbox-hint" id={`${prefix}-agency-admin-hint`}>
            {t('staff.counsellorForm.agencyAdminHint')}
          </p>
        </>
      )}
      <ErrorText error={missing ? t('staff.nameMissing') : create.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={create.busy}>
          {t(`${keys}.submit`)}
        </button>
      </div>
      <div role="status">{created && <ActivationLink name={created.name} code={created.code} />}</div>
    </form>
  );
}
