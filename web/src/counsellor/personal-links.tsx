import type { Membership } from '@counsel/client-sdk/browser';
import { useClient } from '../session/session.tsx';
import { CopyButton } from '../ui/components.tsx';
import { useT } from '../i18n/i18n.ts';
import { QrCode } from './qr-code.tsx';

/**
 * The counsellor's personal link per agency: a seeker who starts through it is assigned to this
 * counsellor directly, without the first-enquiries inbox. The agency link goes to the inbox.
 */
export function PersonalLinks() {
  const t = useT('counsellor');
  const client = useClient();
  const memberships = client.me.memberships;
  if (memberships.length === 0) return <p class="muted">{t('settings.links.none')}</p>;
  return (
    <>
      <p class="muted">{t('settings.links.intro')}</p>
      <ul class="list link-list">
        {memberships.map((membership) => (
          <LinkCard key={membership.agencyId} membership={membership} />
        ))}
      </ul>
    </>
  );
}

function LinkCard({ membership }: { membership: Membership }) {
  const t = useT('counsellor');
  const client = useClient();
  // The links open this web app, so they are built on the page's own origin.
  const personal = client.personalLinkUrl(membership.agencyId, location.origin);
  const agency = client.agencyLinkUrl(membership.agencyId, location.origin);
  return (
    <li>
      <h3>{membership.agencyName}</h3>
      <div class="link-card">
        <div class="link-text">
          <p class="link-label">{t('settings.links.personal')}</p>
          <p>
            <a href={personal} class="link-url">
              {personal}
            </a>
          </p>
          <CopyButton text={personal} label={t('settings.links.copyPersonal')} />
          <p class="link-label">{t('settings.links.agency')}</p>
          <p class="hint">{t('settings.links.agencyHint')}</p>
          <p>
            <a href={agency} class="link-url">
              {agency}
            </a>
          </p>
          <CopyButton text={agency} label={t('settings.links.copyAgency')} />
        </div>
        <QrCode
          text={personal}
          label={t('settings.links.qrLabel', { agency: membership.agencyName })}
          downloadLabel={t('settings.links.qrDownload')}
          fileName={`${t('settings.links.qrFile')}-${membership.agencyName.replace(/[^\p{L}\p{N}]+/gu, '-')}.svg`}
        />
      </div>
    </li>
  );
}
