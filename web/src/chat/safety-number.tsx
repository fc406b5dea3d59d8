import { useId, useState } from 'preact/hooks';
import { safetyNumber, type CounselClient, type Me, type ThreadMember } from '@counsel/client-sdk/browser';
import { useT } from '../i18n/i18n.ts';

/** The wire's URL-safe, unpadded base64 as bytes. */
function fromBase64Url(text: string): Uint8Array {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

/**
 * The 60 digits for me and a peer. Normally from the SDK's pinned key; for a peer whose key just
 * changed (not accepted yet, so the SDK trusts no key of theirs) it is computed from the new key
 * the server lists, because that is exactly the key the two people must compare before accepting.
 */
export function safetyNumberFor(client: CounselClient, me: Me, peerId: string, members: ThreadMember[] | null): string | null {
  try {
    return client.safetyNumberWith(peerId);
  } catch {
    const member = members?.find((candidate) => candidate.userId === peerId);
    if (!member || !me.signPublicKey || !me.boxPublicKey) return null;
    return safetyNumber(
      { signPublicKey: fromBase64Url(me.signPublicKey), boxPublicKey: fromBase64Url(me.boxPublicKey) },
      { signPublicKey: fromBase64Url(member.signPublicKey), boxPublicKey: fromBase64Url(member.boxPublicKey) },
    );
  }
}

/** Twelve groups of five digits, read out group by group. */
export function SafetyDigits({ value }: { value: string }) {
  const groups = value.replace(/\s+/g, '').match(/.{1,5}/g) ?? [];
  return (
    <ol class="safety-digits">
      {groups.map((group, index) => (
        <li key={index}>{group}</li>
      ))}
    </ol>
  );
}

/** A button that shows the safety number with the peer and how to compare it. */
export function SafetyNumberToggle(props: { value: string | null; peerName: string }) {
  const t = useT('chat');
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div class="safety">
      <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        {t('safety.button')}
      </button>
      {open && (
        <section id={panelId} class="card safety-panel" aria-labelledby={`${panelId}-title`}>
          <h2 id={`${panelId}-title`}>{t('safety.title', { name: props.peerName })}</h2>
          {props.value ? (
            <>
              <SafetyDigits value={props.value} />
              <p>{t('safety.explain', { name: props.peerName })}</p>
              <p class="hint">{t('safety.mismatch')}</p>
            </>
          ) : (
            <p>{t('safety.unavailable')}</p>
          )}
        </section>
      )}
    </div>
  );
}
