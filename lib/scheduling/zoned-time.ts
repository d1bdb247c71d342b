import 'server-only';
import { TZDate } from '@date-fns/tz';
import { dateTimeFormat } from '@/lib/intl/date-time-format';

/**
 * The instant of a wall-clock time in a time zone: `zonedInstant('2026-03-08', '09:00',
 * 'America/New_York')`. Across a daylight-saving change the wall time is kept (09:00 stays
 * 09:00) and the UTC instant moves.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, hh, mm, 0, timeZone).getTime());
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function zonedDate(instant: Date, timeZone: string): string {
  return dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** The wall-clock time (HH:MM, 00:00–23:59) of an instant in a time zone. */
export function zonedTime(instant: Date, timeZone: string): string {
  const parts = dateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

/** Weekday 0 (Sunday) … 6 of a calendar date. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
