import { dateTimeFormat } from '@/lib/intl/date-time-format';

/** An instant on the clinic's clock, with the zone's short name: "Tue, Mar 4, 2030, 9:00 AM CST". */
export function formatClinicInstant(at: Date, timeZone: string): string {
  return dateTimeFormat('en-US', {
    weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone,
  }).format(at);
}
