import type { ComponentChildren } from 'preact';
import type { ThreadDetail } from '@counsel/client-sdk/browser';
import { useT } from '../i18n/i18n.ts';

/** Where "back" leads depends on why this user sees the thread. */
const BACK: Record<ThreadDetail['relation'], { href: string; key: string }> = {
  seeker: { href: '/threads', key: 'back.seeker' },
  assigned: { href: '/threads', key: 'back.assigned' },
  agency: { href: '/inbox', key: 'back.agency' },
  team: { href: '/team', key: 'back.team' },
};

/** Topic, centre, counsellor and status at a glance, with the thread's tools beside them. */
export function ThreadHeader(props: { detail: ThreadDetail; counsellorName: string | null; children: ComponentChildren }) {
  const t = useT('chat');
  const { detail } = props;
  const back = BACK[detail.relation];
  return (
    <header class="thread-header">
      <p class="back">
        <a href={back.href}>{t(back.key)}</a>
      </p>
      <div class="thread-title">
        <div>
          <h1 id="thread-title">{detail.topicName}</h1>
          <p class="muted thread-sub">
            {detail.agencyName}
            {props.counsellorName && <> · {t('header.counsellor', { name: props.counsellorName })}</>}
          </p>
        </div>
        <span class={`tag status-${detail.status}`}>{t(`status.${detail.status}`)}</span>
      </div>
      <div class="thread-tools">{props.children}</div>
    </header>
  );
}
