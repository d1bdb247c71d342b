import type { Formatters, Translate } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import type { BookingVisit } from '@/lib/portal/bookings';
import { VisitWhen } from '@/components/portal/bookings/visit-when';

/** The visit being changed or cancelled, as a definition list. */
export function VisitSummary({ visit, patientZone, t, fmt, timeLabel }: {
  visit: BookingVisit; patientZone: string | null; t: Translate<BookingsMessages>; fmt: Formatters; timeLabel: string;
}) {
  return (
    <dl className="grid gap-2 rounded-xl border border-line bg-surface p-4 text-sm sm:grid-cols-2">
      <div>
        <dt className="text-fg-muted">{timeLabel}</dt>
        <dd className="font-medium"><VisitWhen startsAt={visit.startsAt} locationZone={visit.timeZone} patientZone={patientZone} t={t} fmt={fmt} /></dd>
      </div>
      <div>
        <dt className="text-fg-muted">{t('service')}</dt>
        <dd className="font-medium">{visit.service}</dd>
      </div>
      <div>
        <dt className="text-fg-muted">{t('provider')}</dt>
        <dd className="font-medium">{visit.provider}</dd>
      </div>
      <div>
        <dt className="text-fg-muted">{t('location')}</dt>
        <dd className="font-medium">{visit.location}</dd>
      </div>
    </dl>
  );
}
