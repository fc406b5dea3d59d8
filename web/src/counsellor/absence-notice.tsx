import { useState } from 'preact/hooks';
import { useClient } from '../session/session.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';
import { ErrorText, Field, Loading, TextArea } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';

/** `<input type="date">` gives a day; the notice holds until that day ends, in local time. */
function endOfDay(day: string): Date {
  return new Date(`${day}T23:59:59`);
}

function dayOf(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The absence notice advice seekers see on the agency and in the counsellor's cases; while it is
 * in force the counsellor gets no e-mails about new enquiries.
 */
export function AbsenceNoticeForm() {
  const t = useT('counsellor');
  const client = useClient();
  const current = useLoad(() => client.getAbsence(), [client]);
  const [message, setMessage] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [saved, setSaved] = useState<'saved' | 'cleared' | null>(null);

  // The form starts from the notice in force; typing takes over from there.
  const shownMessage = message ?? current.data?.message ?? '';
  const shownUntil = until ?? (current.data?.until ? dayOf(current.data.until) : '');

  const [empty, setEmpty] = useState(false);
  const save = useAction(async () => {
    const view = await client.setAbsence(shownMessage.trim(), shownUntil ? endOfDay(shownUntil) : undefined);
    current.setData(view);
    setSaved('saved');
  });
  const clear = useAction(async () => {
    await client.clearAbsence();
    current.setData(null);
    setMessage(null);
    setUntil(null);
    setSaved('cleared');
  });

  if (current.error) return <ErrorText error={current.error} />;
  if (current.loading && current.data === null) return <Loading />;

  return (
    <form
      class="card"
      onSubmit={(event) => {
        event.preventDefault();
        setSaved(null);
        const missing = shownMessage.trim() === '';
        setEmpty(missing);
        if (!missing) void save.run();
      }}
    >
      <p class="muted">{t('settings.absence.intro')}</p>
      {current.data ? (
        <p>
          <strong>{t('settings.absence.active')}</strong>{' '}
          {current.data.until
            ? t('settings.absence.activeUntil', { date: new Date(current.data.until).toLocaleDateString(document.documentElement.lang) })
            : t('settings.absence.activeOpenEnded')}
        </p>
      ) : (
        <p>{t('settings.absence.none')}</p>
      )}
      <TextArea
        label={t('settings.absence.message')}
        hint={t('settings.absence.messageHint')}
        maxLength={1000}
        rows={3}
        value={shownMessage}
        onInput={(event) => {
          setMessage(event.currentTarget.value);
          setSaved(null);
        }}
      />
      <Field
        label={t('settings.absence.until')}
        hint={t('settings.absence.untilHint')}
        type="date"
        value={shownUntil}
        onInput={(event) => {
          setUntil(event.currentTarget.value);
          setSaved(null);
        }}
      />
      <ErrorText error={empty ? t('settings.absence.messageMissing') : (save.error ?? clear.error)} />
      <div role="status">{saved && <p class="notice notice-success">{t(`settings.absence.${saved}`)}</p>}</div>
      <div class="actions">
        <button type="submit" class="primary" disabled={save.busy}>
          {t('settings.absence.save')}
        </button>
        {current.data && (
          <button type="button" disabled={clear.busy} onClick={() => { setSaved(null); void clear.run(); }}>
            {t('settings.absence.clear')}
          </button>
        )}
      </div>
    </form>
  );
}
