import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { EmptyState } from '@/components/portal/empty-state';
import { Pager } from '@/components/portal/pager';
import { VisitStatusBadge } from '@/components/portal/visit-status-badge';
import { VisitTime } from '@/components/portal/visit-time';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { now } from '@/lib/clock';
import { formatters, interpolateParts, translator, type Formatters, type Translate } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';
import { portalHistory, type PortalHistoryMessages } from '@/lib/i18n/messages/portal-history';
import { getPortalI18n } from '@/lib/i18n/portal';
import { listPortalAppointments } from '@/lib/scheduling/portal-visits';
import { displayZone, isUpcoming, type HistoryVisit } from '@/lib/scheduling/visit-display';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(portalHistory);
  return { title: t('title') };
}

const PAGE_SIZE = 20;
const pageSchema = z.object({
  page: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.coerce.number().int().min(1).max(10_000).catch(1)).default(1),
});

export default async function PortalHistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient('bookings');
  const { t, locale } = await getPortalI18n(portalHistory);
  const tc = translator(common, locale);
  const { page } = pageSchema.parse(await searchParams);
  const { visits, hasMore } = await listPortalAppointments(getDb(), portal, { when: 'past', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const at = now();
  const fmt = formatters(locale);
  const onThisPage = new Set(visits.map((v) => v.id));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('heading')}</h1>
        <p className="mt-1 text-fg-muted">{t('intro')}</p>
      </div>
      {visits.length === 0 ? (
        <EmptyState title={page > 1 ? t('noMore') : t('noPast')} />
      ) : (
        <ul className="space-y-3">
          {visits.map((visit) => (
            <li key={visit.id}>
              <article id={`visit-${visit.id}`} aria-label={tc('visitLabel', { service: visit.service, provider: visit.provider })} className="rounded-xl border border-line bg-surface p-4">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <p className="font-semibold">
                    <VisitTime startsAt={visit.startsAt} locationZone={visit.timeZone} patientZone={portal.account.timeZone} locale={locale} />
                  </p>
                  <VisitStatusBadge status={visit.status} endsAt={visit.endsAt} at={at} locale={locale} moved={visit.change?.kind === 'moved'} />
                </div>
                <dl className="mt-2 grid gap-1 text-sm sm:grid-cols-3">
                  <div>
                    <dt className="text-fg-muted">{tc('visitService')}</dt>
                    <dd className="font-medium">{visit.service}</dd>
                  </div>
                  <div>
                    <dt className="text-fg-muted">{tc('visitProvider')}</dt>
                    <dd className="font-medium">{visit.provider}</dd>
                  </div>
                  <div>
                    <dt className="text-fg-muted">{tc('visitLocation')}</dt>
                    <dd className="font-medium">{visit.location}</dd>
                  </div>
                </dl>
                <VisitChangeNote visit={visit} at={at} patientZone={portal.account.timeZone} onThisPage={onThisPage} t={t} fmt={fmt} />
              </article>
            </li>
          ))}
        </ul>
      )}
      <Pager basePath="/portal/history" page={page} hasMore={hasMore} label={t('pagerLabel')} locale={locale} />
    </div>
  );
}

/**
 * What happened to a cancelled visit: the time it moved to (a link to it where the patient finds
 * it: Bookings while it is to come, this page when it is listed here), or the reason given.
 * A visit moved before the link was kept says "Moved" in its badge and nothing more.
 */
function VisitChangeNote({ visit, at, patientZone, onThisPage, t, fmt }: {
  visit: HistoryVisit;
  at: Date;
  patientZone: string | null | undefined;
  onThisPage: ReadonlySet<string>;
  t: Translate<PortalHistoryMessages>;
  fmt: Formatters;
}) {
  const change = visit.change;
  if (change?.kind === 'cancelled' && change.reason) {
    return <p className="mt-2 text-sm">{t('cancelReason', { reason: change.reason })}</p>;
  }
  if (change?.kind !== 'moved' || !change.to) return null;
  const to = change.to;
  const time = <time key="time" dateTime={to.startsAt.toISOString()}>{fmt.dateTime(to.startsAt, displayZone(patientZone, to.timeZone))}</time>;
  const href = isUpcoming(to, at) ? '/portal/bookings' : onThisPage.has(to.id) ? `#visit-${to.id}` : null;
  return (
    <p className="mt-2 flex min-h-11 flex-wrap items-center gap-x-1 text-sm">
      {interpolateParts(t('movedTo'), {
        time: href ? <Link key="time" href={href} className="link">{time}</Link> : time,
      })}
    </p>
  );
}
