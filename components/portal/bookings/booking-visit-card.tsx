import Link from 'next/link';
import type { Formatters, Translate } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import { displayZone, type BookingVisit } from '@/lib/scheduling/visit-display';
import { primaryLink, secondaryLink } from './styles';
import { VisitWhen } from './visit-when';
import { VisitFacts } from './visit-summary';

/**
 * One current or upcoming visit with what can be done about it: join (video, when open), change
 * or cancel inside the clinic's window, or, outside it, why not and whom to call.
 */
export function BookingVisitCard({
  visit, patientZone, t, fmt,
}: {
  visit: BookingVisit;
  patientZone: string | null | undefined;
  t: Translate<BookingsMessages>;
  fmt: Formatters;
}) {
  const zone = displayZone(patientZone, visit.timeZone);
  const date = fmt.dateTime(visit.startsAt, zone);
  return (
    <article aria-label={t('visitLabel', { service: visit.service, provider: visit.provider })} className="rounded-xl border border-line bg-surface p-4">
      <p className="font-semibold">
        <VisitWhen startsAt={visit.startsAt} locationZone={visit.timeZone} patientZone={patientZone} t={t} fmt={fmt} />
      </p>
      {visit.confirmedAt ? <p className="mt-1 text-sm font-medium">{t('confirmedNote')}</p> : null}
      <dl className="mt-3 grid gap-2 text-sm sm:grid-cols-3">
        <VisitFacts service={visit.isVideo ? t('videoVisit', { service: visit.service }) : visit.service} provider={visit.provider} location={visit.location} t={t} />
      </dl>
      {visit.joinUrl ? (
        <a href={visit.joinUrl} target="_blank" rel="noopener noreferrer" aria-label={t('joinLabel', { provider: visit.provider })} className={`mt-3 ${primaryLink}`}>
          {t('join')}
        </a>
      ) : visit.isVideo ? (
        <p className="mt-3 text-sm text-fg-muted">{t('joinLater')}</p>
      ) : null}
      {visit.changeable ? (
        <div className="mt-4 space-y-2 border-t border-line pt-3">
          <p className="text-sm text-fg-muted">{t('changeUntil', { time: fmt.dateTime(visit.changeUntil, zone) })}</p>
          <div className="flex flex-col gap-2 sm:flex-row">
            <Link href={`/portal/bookings/${visit.id}/reschedule`} aria-label={t('changeTimeLabel', { service: visit.service, date })} className={secondaryLink}>
              {t('changeTime')}
            </Link>
            <Link href={`/portal/bookings/${visit.id}/cancel`} aria-label={t('cancelVisitLabel', { service: visit.service, date })} className={secondaryLink}>
              {t('cancelVisit')}
            </Link>
          </div>
        </div>
      ) : (
        <ChangeWindowClosed visit={visit} t={t} className="mt-4 border-t border-line pt-3" />
      )}
    </article>
  );
}

/** Outside the window (or when it cannot be changed online): the rule, and the location's phone (a tel: link) or the clinic in general. */
export function ChangeWindowClosed({ visit, t, className = '', withRule = true }: {
  visit: BookingVisit; t: Translate<BookingsMessages>; className?: string; withRule?: boolean;
}) {
  // "{phone}" is left in the sentence by the translator and replaced by a link here.
  const [before, after] = t('contactPhone', { location: visit.location }).split('{phone}');
  return (
    <p className={`text-sm ${className}`}>
      {withRule ? `${t('windowClosed', { hours: visit.windowHours })} ` : null}
      {visit.locationPhone ? (
        <>
          {before}
          <a href={`tel:${visit.locationPhone}`} className="font-medium text-brand-accent underline">{visit.locationPhone}</a>
          {after}
        </>
      ) : (
        t('contactClinic')
      )}
    </p>
  );
}
