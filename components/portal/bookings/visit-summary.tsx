import type { Formatters, Translate } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import type { BookingVisit } from '@/lib/scheduling/visit-display';
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
      <VisitFacts service={visit.service} provider={visit.provider} location={visit.location} t={t} />
    </dl>
  );
}

/** Service, provider and location as definition-list groups, for a visit card or summary. */
export function VisitFacts({ service, provider, location, t }: { service: string; provider: string; location: string; t: Translate<BookingsMessages> }) {
  return (
    <>
      {([['service', service], ['provider', provider], ['location', location]] as const).map(([key, value]) => (
        <div key={key}>
          <dt className="text-fg-muted">{t(key)}</dt>
          <dd className="font-medium">{value}</dd>
        </div>
      ))}
    </>
  );
}
