import { useT } from '../i18n/i18n.ts';

function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString(document.documentElement.lang || undefined, { dateStyle: 'long' });
}

/**
 * A counsellor's absence notice in one sentence: who, until when, and their own words. Used on
 * the landing page (per agency) and in a thread (for its counsellor).
 */
export function AbsenceText(props: { name: string | null; message: string; until: string | null }) {
  const t = useT('chat');
  const who = props.name ?? t('absence.someone');
  return (
    <>
      <strong>
        {props.until ? t('absence.until', { name: who, date: formatDay(props.until) }) : t('absence.open', { name: who })}
      </strong>{' '}
      <span class="absence-message">{props.message}</span>
    </>
  );
}
