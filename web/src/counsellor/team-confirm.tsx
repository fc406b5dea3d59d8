import { ConfirmDialog } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';

/**
 * The words of the team-view confirmation, said the same way in the dialog of the team view
 * and on a directly opened colleague's case (TeamAccessGate).
 */
export function TeamAccessExplanation() {
  const t = useT('counsellor');
  return (
    <>
      <p>{t('teamConfirm.text')}</p>
      <p class="muted">{t('teamConfirm.coverOnly')}</p>
    </>
  );
}

export function TeamConfirmDialog(props: { open: boolean; onConfirm(): void; onCancel(): void }) {
  const t = useT('counsellor');
  return (
    <ConfirmDialog
      open={props.open}
      title={t('teamConfirm.title')}
      confirmLabel={t('teamConfirm.confirm')}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <TeamAccessExplanation />
    </ConfirmDialog>
  );
}

/** The URL that opens a colleague's case after the confirmation was given. */
export function confirmedTeamUrl(threadId: string): string {
  return `/threads/${threadId}?team=confirmed`;
}
