import type { Metadata } from 'next';
import Link from 'next/link';
import { cache } from 'react';
import { AccessCard } from '@/components/portal-access/access-card';
import { VisitLinkButton, VisitLinkContact, VisitLinkFacts } from '@/components/portal/visit-link/visit-link-parts';
import { textLink } from '@/components/portal/bookings/styles';
import { getDb } from '@/db/client';
import { formatters, translator, type Translate } from '@/lib/i18n/core';
import { visitLinks, type VisitLinksMessages } from '@/lib/i18n/messages/visit-links';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { inspectVisitLink, type VisitLinkRefusal } from '@/lib/scheduling/visit-link-actions';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { cancelVisitLinkAction, confirmVisitLinkAction } from './actions';

// One read per request, shared by the title and the page.
const inspect = cache((tenant: TenantRef, token: string) => inspectVisitLink(getDb(), tenant, token));

type Props = {
  params: Promise<{ tenant: string; token: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Pick<Props, 'params'>): Promise<Metadata> {
  const { tenant } = await getPageTenant(params);
  const found = await inspect(tenant, (await params).token);
  const title = found.ok ? visitLinks[found.locale].metaTitle : (await getPublicPortalI18n(visitLinks)).t('metaTitle');
  // The token in the address is the credential: no search engine, and no Referer to anyone.
  return { title, robots: { index: false, follow: false }, referrer: 'no-referrer' };
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Where a visit reminder's confirm and cancel links lead, on the clinic's host, signed out, in
 * the patient's language. Opening it changes nothing (link scanners open links); the buttons do.
 * It says when, where and with whom, never the service. A link of another clinic, or one cut
 * short, is "does not work", without saying which.
 */
export default async function VisitLinkPage({ params, searchParams }: Props) {
  const { tenant, profile } = await getPageTenant(params);
  const { token } = await params;
  const query = await searchParams;
  const clinic = profile.branding.displayName;
  const found = await inspect(tenant, token);
  if (!found.ok) {
    const { t } = await getPublicPortalI18n(visitLinks);
    return (
      <AccessCard title={t('linkInvalidTitle')}>
        <p className="mt-3 text-fg-muted">{t('linkInvalidBody', { clinic })}</p>
      </AccessCard>
    );
  }

  const { visit, locale } = found;
  const t = translator(visitLinks, locale);
  const fmt = formatters(locale);
  const date = fmt.dateTime(visit.startsAt, visit.timeZone);
  const cancelUntil = fmt.dateTime(found.cancelUntil, visit.timeZone);
  const done = first(query.done);
  const signIn = <p className="mt-4"><Link href="/portal/sign-in" className={textLink}>{t('signInLink')}</Link></p>;

  // The result pages only when the visit really is in that state: a hand-typed "done" claims nothing.
  if (done === 'cancel' && found.cancel === 'cancelled') {
    return (
      <div lang={locale}>
        <AccessCard title={t('cancelledTitle')}>
          <p role="status" className="mt-3 text-fg-muted">{t('cancelledBody', { clinic, date })}</p>
          {signIn}
        </AccessCard>
      </div>
    );
  }
  if (done === 'confirm' && visit.confirmedAt && found.confirm === null) {
    return (
      <div lang={locale}>
        <AccessCard title={t('confirmedTitle', { date })}>
          <p role="status" className="mt-3 text-fg-muted">
            {found.cancel === null ? t('confirmedBody', { clinic, time: cancelUntil }) : t('confirmedBodyNoCancel', { clinic })}
          </p>
          <VisitLinkFacts visit={visit} t={t} fmt={fmt} />
          {found.cancel === null ? (
            <div className="mt-5"><VisitLinkButton action={cancelVisitLinkAction} token={token} label={t('cancelButton')} primary={false} /></div>
          ) : null}
        </AccessCard>
      </div>
    );
  }

  const wantsCancel = first(query.intent) === 'cancel';
  const offerConfirm = found.confirm === null && !visit.confirmedAt;
  const offerCancel = found.cancel === null;
  // The visit's state (cancelled, moved, past) is one sentence, whichever button it stops.
  const stateReason = found.confirm !== null && found.confirm !== 'not-allowed' ? found.confirm : null;
  return (
    <div lang={locale}>
      <AccessCard title={t('title', { clinic })}>
        {offerConfirm || offerCancel ? (
          <p className="mt-3 text-fg-muted">{wantsCancel && offerCancel ? t('introCancel') : offerConfirm ? t('intro', { clinic }) : t('introCancel')}</p>
        ) : null}
        <VisitLinkFacts visit={visit} t={t} fmt={fmt} />
        {visit.confirmedAt && !stateReason ? (
          <p className="mt-3 text-sm">{t('alreadyConfirmed', { date: fmt.dateTime(visit.confirmedAt, visit.timeZone) })}</p>
        ) : null}
        {stateReason ? <p className="mt-3 text-sm font-medium">{reasonText(stateReason, t, clinic, found.windowHours)}</p> : null}
        {offerConfirm || offerCancel ? (
          <div className="mt-5 flex flex-col gap-3">
            {offerConfirm ? <VisitLinkButton action={confirmVisitLinkAction} token={token} label={t('confirmButton')} primary={!wantsCancel} /> : null}
            {offerCancel ? <VisitLinkButton action={cancelVisitLinkAction} token={token} label={t('cancelButton')} primary={wantsCancel || !offerConfirm} /> : null}
          </div>
        ) : null}
        {offerCancel ? <p className="mt-3 text-sm text-fg-muted">{t('cancelUntil', { time: cancelUntil })}</p> : null}
        {found.cancel === 'outside-window' ? (
          <>
            <p className="mt-3 text-sm">{reasonText('outside-window', t, clinic, found.windowHours)}</p>
            <VisitLinkContact visit={visit} t={t} />
          </>
        ) : null}
        {stateReason === 'moved' || stateReason === 'cancelled' ? signIn : null}
      </AccessCard>
    </div>
  );
}

function reasonText(reason: Exclude<VisitLinkRefusal, 'not-allowed'>, t: Translate<VisitLinksMessages>, clinic: string, hours: number): string {
  switch (reason) {
    case 'cancelled': return t('reasonCancelled');
    case 'moved': return t('reasonMoved', { clinic });
    case 'past': return t('reasonPast');
    case 'outside-window': return t('reasonOutsideWindow', { hours });
  }
}
