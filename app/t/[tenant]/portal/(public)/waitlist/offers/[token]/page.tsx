import type { Metadata } from 'next';
import Link from 'next/link';
import { cache } from 'react';
import { AccessCard } from '@/components/portal-access/access-card';
import { textLink } from '@/components/portal/bookings/styles';
import { VisitFacts, VisitLinkButton } from '@/components/portal/visit-link/visit-link-parts';
import { getDb } from '@/db/client';
import { formatters, translator, type Formatters, type Translate } from '@/lib/i18n/core';
import { waitlistOfferLink, type WaitlistOfferLinkMessages } from '@/lib/i18n/messages/waitlist-offer-link';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { displayZone } from '@/lib/scheduling/visit-display';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { inspectOfferLink, type OfferLinkView } from '@/lib/waitlist/offers';
import { acceptOfferLinkAction, declineOfferLinkAction } from './actions';

// One read per request, shared by the title and the page.
const inspect = cache((tenant: TenantRef, token: string) => inspectOfferLink(getDb(), tenant, token));

type Props = {
  params: Promise<{ tenant: string; token: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Pick<Props, 'params'>): Promise<Metadata> {
  const { tenant } = await getPageTenant(params);
  const found = await inspect(tenant, (await params).token);
  const title = found.ok ? waitlistOfferLink[found.locale].metaTitle : (await getPublicPortalI18n(waitlistOfferLink)).t('metaTitle');
  // The token in the address is the credential: no search engine, and no Referer to anyone.
  return { title, robots: { index: false, follow: false }, referrer: 'no-referrer' };
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** When (the location's zone, and the patient's own when it differs), where and with whom. Never the service. */
function OfferFacts({ offer, t, fmt }: { offer: OfferLinkView; t: Translate<WaitlistOfferLinkMessages>; fmt: Formatters }) {
  const ownZone = displayZone(offer.patientTimeZone, offer.timeZone);
  return (
    <VisitFacts
      startsAt={offer.startsAt} timeZone={offer.timeZone} location={offer.location} provider={offer.provider} fmt={fmt}
      labels={{
        when: t('when'), where: t('where'), withWhom: t('withWhom'),
        zoneNamed: t('zoneNamed', { zone: fmt.zoneName(offer.startsAt, offer.timeZone) }),
        ownTime: ownZone !== offer.timeZone ? t('yourTime', { time: fmt.dateTime(offer.startsAt, ownZone) }) : null,
      }}
    />
  );
}

/**
 * Where a waitlist offer's SMS and email lead, on the clinic's host, signed out, in the patient's
 * language: the time, how long it is held, and "Book this time" / "No thanks". Opening it changes
 * nothing (link scanners open links); the buttons do. A link of another clinic, or one cut short,
 * is "does not work", without saying which. An offer that ended, was taken or answered says so.
 */
export default async function WaitlistOfferPage({ params, searchParams }: Props) {
  const { tenant, profile } = await getPageTenant(params);
  const { token } = await params;
  const query = await searchParams;
  const clinic = profile.branding.displayName;
  const found = await inspect(tenant, token);
  if (!found.ok) {
    const { t } = await getPublicPortalI18n(waitlistOfferLink);
    return (
      <AccessCard title={t('linkInvalidTitle')}>
        <p className="mt-3 text-fg-muted">{t('linkInvalidBody', { clinic })}</p>
      </AccessCard>
    );
  }

  const { offer, locale } = found;
  const t = translator(waitlistOfferLink, locale);
  const fmt = formatters(locale);
  const done = first(query.done);
  const ownZone = displayZone(offer.patientTimeZone, offer.timeZone);
  const holdUntil = fmt.dateTime(offer.expiresAt, ownZone);
  const signIn = <p className="mt-4"><Link href="/portal/sign-in" className={textLink}>{t('signInLink')}</Link></p>;
  const card = (title: string, body: string, extra?: React.ReactNode) => (
    <div lang={locale}>
      <AccessCard title={title}>
        <p role={done ? 'status' : undefined} className="mt-3 text-fg-muted">{body}</p>
        <OfferFacts offer={offer} t={t} fmt={fmt} />
        {extra}
      </AccessCard>
    </div>
  );

  // A result page only when the offer really is in that state: a hand-typed "done" claims nothing.
  if (offer.state === 'accepted') {
    return done === 'accept' ? card(t('acceptedTitle'), t('acceptedBody', { clinic }), signIn) : card(t('usedTitle'), t('usedAccepted'), signIn);
  }
  if (offer.state === 'declined') {
    return done === 'decline' ? card(t('declinedTitle'), t('declinedBody', { clinic })) : card(t('usedTitle'), t('usedDeclined'));
  }
  if (offer.state === 'expired') return card(t('expiredTitle'), t('expiredBody', { clinic, time: holdUntil }));
  if (offer.state === 'gone') return card(t('goneTitle'), t('goneBody', { clinic }));
  if (!offer.entryWaiting) return card(t('closedTitle'), t('closedBody'), signIn);

  return (
    <div lang={locale}>
      <AccessCard title={t('title', { clinic })}>
        <p className="mt-3 text-fg-muted">{t('intro', { time: holdUntil })}</p>
        <OfferFacts offer={offer} t={t} fmt={fmt} />
        <div className="mt-5 flex flex-col gap-3">
          <VisitLinkButton action={acceptOfferLinkAction} token={token} label={t('acceptButton')} primary />
          <VisitLinkButton action={declineOfferLinkAction} token={token} label={t('declineButton')} primary={false} />
        </div>
        <p className="mt-3 text-sm text-fg-muted">{t('declineHint')}</p>
      </AccessCard>
    </div>
  );
}
