import { formatVisitTime } from '@/lib/scheduling/patient-appointments';

/**
 * A visit's start in the location's zone, naming the zone; when the patient chose another zone
 * in their settings, their local time is added so nobody has to convert in their head.
 */
export function VisitTime({ startsAt, locationZone, patientZone }: { startsAt: Date; locationZone: string; patientZone?: string | null }) {
  const atLocation = formatVisitTime(startsAt, locationZone);
  const mine = patientZone && patientZone !== locationZone ? safeFormat(startsAt, patientZone) : null;
  return (
    <>
      <time dateTime={startsAt.toISOString()}>{atLocation}</time>
      {mine && mine !== atLocation ? <span className="block text-sm text-fg-muted">Your time: {mine}</span> : null}
    </>
  );
}

/** A zone saved in settings may be unknown to this runtime; then only the location's time shows. */
function safeFormat(instant: Date, timeZone: string): string | null {
  try {
    return formatVisitTime(instant, timeZone);
  } catch {
    return null;
  }
}
