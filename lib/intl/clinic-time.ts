import 'server-only';
import { dateTimeFormat } from './date-time-format';

/**
 * How staff screens say an instant: in the clinic's zone (its first location's, or the row's own
 * location's), never the server's (UTC on Vercel), and with the zone named, since a clinic's
 * staff may sit in another zone than its patients. tests/unit/staff-time-zones.unit.test.ts
 * keeps app/ and components/ from formatting a date without a zone.
 */
export function clinicDateTime(timeZone: string): Intl.DateTimeFormat {
  return dateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' });
}

/** The same, with seconds (the audit log, a signature's time). */
export function clinicDateTimeSeconds(timeZone: string): Intl.DateTimeFormat {
  return dateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', timeZone, timeZoneName: 'short' });
}

/** A day in the clinic's zone ("Mar 8, 2026"). */
export function clinicDay(timeZone: string): Intl.DateTimeFormat {
  return dateTimeFormat('en-US', { dateStyle: 'medium', timeZone });
}
