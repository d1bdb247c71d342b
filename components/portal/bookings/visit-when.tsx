import type { Formatters, Translate } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import { displayZone } from '@/lib/scheduling/visit-display';

/**
 * A visit's start in the patient's zone (their setting, else the location's), and the location's
 * zone named: in its own words when it is the same zone, with the local time when it differs.
 */
export function VisitWhen({
  startsAt, locationZone, patientZone, t, fmt,
}: {
  startsAt: Date;
  locationZone: string;
  patientZone: string | null | undefined;
  t: Translate<BookingsMessages>;
  fmt: Formatters;
}) {
  const zone = displayZone(patientZone, locationZone);
  const zoneName = fmt.zoneName(startsAt, locationZone);
  return (
    <>
      <time dateTime={startsAt.toISOString()} className="block">{fmt.dateTime(startsAt, zone)}</time>
      <span className="block text-sm font-normal text-fg-muted">
        {zone === locationZone
          ? t('zoneNamed', { zone: zoneName })
          : t('locationTime', { time: fmt.dateTime(startsAt, locationZone), zone: zoneName })}
      </span>
    </>
  );
}
