import { formatters, isTimeZone, translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';

/**
 * A visit's start in the patient's zone (their setting, else the location's), in their language.
 * When that is not the location's zone, the clinic's local time follows with the zone's name,
 * so a patient travelling or living across a zone line never has to convert in their head.
 */
export function VisitTime({
  startsAt,
  locationZone,
  patientZone,
  locale,
}: {
  startsAt: Date;
  locationZone: string;
  patientZone?: string | null;
  locale: Locale;
}) {
  const fmt = formatters(locale);
  // A zone saved in settings may be unknown to this runtime; then the location's zone is used.
  const shownZone = isTimeZone(patientZone) ? patientZone : locationZone;
  const shown = fmt.dateTime(startsAt, shownZone);
  const differs = shownZone !== locationZone && shown !== fmt.dateTime(startsAt, locationZone);
  return (
    <>
      <time dateTime={startsAt.toISOString()}>{shown}</time>
      {differs ? (
        <span className="block text-sm font-normal text-fg-muted">
          {translator(common, locale)('visitClinicTime', {
            day: fmt.day(startsAt, locationZone),
            time: fmt.time(startsAt, locationZone),
            zone: fmt.zoneName(startsAt, locationZone),
          })}
        </span>
      ) : null}
    </>
  );
}
