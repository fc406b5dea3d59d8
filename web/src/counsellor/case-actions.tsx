import { useState } from 'preact/hooks';
import type { ThreadDetail } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { useAction } from '../ui/hooks.ts';
import { ConfirmDialog, ErrorText } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { claimEnquiry } from './claim.ts';
import { ThreadAccessLog } from './thread-access-log.tsx';
import './counsellor.css';

type Ending = 'close' | 'archive';

/**
 * What a counsellor can do with the case on the thread page: claim an enquiry, close, archive
 * or reopen their own case, and see who opened it through the team view.
 */
export function CaseActions({ detail, onChanged }: { detail: ThreadDetail; onChanged(): void }) {
  const t = useT('counsellor');
  const client = useClient();
  const [confirming, setConfirming] = useState<Ending | null>(null);
  const [taken, setTaken] = useState(false);

  const claim = useAction(async () => {
    if ((await claimEnquiry(client, detail)) === 'taken') setTaken(true);
    onChanged();
  });
  const change = useAction(async (to: Ending | 'reopen') => {
    if (to === 'close') await client.closeThread(detail.id);
    else if (to === 'archive') await client.archiveThread(detail.id);
    else await client.reopenThread(detail.id);
    onChanged();
  });

  const own = detail.relation === 'assigned';
  const agencyAdmin = client.me.memberships.some((m) => m.agencyId === detail.agencyId && m.isAgencyAdmin);
  // Only a claimed case in a team agency can be opened through the team view.
  const showLog = detail.isTeam && detail.status !== 'enquiry' && (own || agencyAdmin);

  return (
    <section class="case-actions" aria-label={t('caseActions.label')}>
      {/* Always present, so the outcome of a claim is announced. */}
      <div role="status">{taken && <p class="notice notice-warning">{t('claim.taken')} <a href="/inbox">{t('claim.backToInbox')}</a></p>}</div>
      {detail.status === 'enquiry' && detail.relation === 'agency' && !taken && (
        <div class="claim-box">
          <p>{t('caseActions.claimHint')}</p>
          <button type="button" class="primary" disabled={claim.busy} onClick={() => void claim.run()}>
            {claim.busy ? t('claim.busy') : t('claim.button')}
          </button>
        </div>
      )}
      {own && (
        <div class="actions">
          {detail.status === 'active' && (
            <button type="button" disabled={change.busy} onClick={() => setConfirming('close')}>
              {t('caseActions.close')}
            </button>
          )}
          {(detail.status === 'active' || detail.status === 'closed') && (
            <button type="button" disabled={change.busy} onClick={() => setConfirming('archive')}>
              {t('caseActions.archive')}
            </button>
          )}
          {(detail.status === 'closed' || detail.status === 'archived') && (
            <button type="button" disabled={change.busy} onClick={() => void change.run('reopen')}>
              {t('caseActions.reopen')}
            </button>
          )}
        </div>
      )}
      <ErrorText error={claim.error ?? change.error} />
      {showLog && <ThreadAccessLog detail={detail} />}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === 'archive' ? t('caseActions.archiveTitle') : t('caseActions.closeTitle')}
        confirmLabel={confirming === 'archive' ? t('caseActions.archive') : t('caseActions.close')}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          const to = confirming;
          setConfirming(null);
          if (to) void change.run(to);
        }}
      >
        <p>{confirming === 'archive' ? t('caseActions.archiveText') : t('caseActions.closeText')}</p>
      </ConfirmDialog>
    </section>
  );
}
