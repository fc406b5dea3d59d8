import { useState } from 'preact/hooks';
import type { AdminAgency } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ConfirmDialog, ErrorText } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import type { AdminData } from './admin-data.ts';

type Member = AdminAgency['members'][number];

/**
 * Who works in an agency. Adding someone gives them its enquiries (and, in a team, its cases);
 * removing someone re-keys the agency's threads so they cannot read what is written after.
 */
export function AgencyMembers({ agency, data }: { agency: AdminAgency; data: AdminData }) {
  const t = useT('admin');
  const client = useClient();
  const [chosen, setChosen] = useState('');
  const [removing, setRemoving] = useState<Member | null>(null);
  const [noChoice, setNoChoice] = useState(false);

  const nameOf = (member: Member) => member.displayName ?? t('staff.unnamed');
  const reload = () => Promise.all([data.agencies.reload(), data.staff.reload()]);

  const add = useAction(async (userId: string) => {
    await client.adminAddMember(agency.id, userId);
    setChosen('');
    await reload();
  });
  const remove = useAction(async (userId: string) => {
    await client.adminRemoveMember(agency.id, userId);
    await reload();
  });

  const memberIds = new Set(agency.members.map((member) => member.userId));
  const candidates = (data.staff.data ?? []).filter((person) => person.role === 'counsellor' && !memberIds.has(person.id));

  return (
    <div class="members">
      <h4>{t('members.title')}</h4>
      {agency.members.length === 0 ? (
        <p class="muted">{t('members.none')}</p>
      ) : (
        <ul class="member-list">
          {agency.members.map((member) => (
            <li key={member.userId}>
              <span>
                {nameOf(member)}
                {member.isAgencyAdmin && <span class="tag">{t('members.agencyAdmin')}</span>}
              </span>
              <button type="button" class="small" disabled={remove.busy} onClick={() => setRemoving(member)}>
                {t('members.remove', { name: nameOf(member) })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          setNoChoice(!chosen);
          if (chosen) void add.run(chosen);
        }}
      >
        <div class="field">
          <label for={`add-member-${agency.id}`}>{t('members.counsellor')}</label>
          <select id={`add-member-${agency.id}`} value={chosen} onChange={(event) => {
              setChosen(event.currentTarget.value);
              setNoChoice(false);
            }}>
            <option value="">{candidates.length === 0 ? t('members.noCandidates') : t('members.choose')}</option>
            {candidates.map((person) => (
              <option key={person.id} value={person.id}>
                {person.displayName ?? person.username ?? person.id}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={add.busy}>
          {t('members.add')}
        </button>
      </form>
      <ErrorText error={noChoice ? t('members.chooseFirst') : (add.error ?? remove.error)} />
      <ConfirmDialog
        open={removing !== null}
        danger
        title={t('members.confirmTitle', { name: removing ? nameOf(removing) : '', agency: agency.name })}
        confirmLabel={t('members.confirm')}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const member = removing;
          setRemoving(null);
          if (member) void remove.run(member.userId);
        }}
      >
        <p>{t('members.confirmAccess', { name: removing ? nameOf(removing) : '', agency: agency.name })}</p>
        <p>{t('members.confirmRekey', { name: removing ? nameOf(removing) : '' })}</p>
      </ConfirmDialog>
    </div>
  );
}
