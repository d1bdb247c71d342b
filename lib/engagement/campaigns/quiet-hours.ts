import 'server-only';
import { TZDate } from '@date-fns/tz';
import { addDays, zonedDate, zonedTime } from '@/lib/scheduling/zoned-time';

/**
 * When a campaign's message may go (issue 18, point 6): not inside the campaign's quiet hours on
 * the patient's wall clock, and no faster than its rate. Pure: the campaign queue passes the
 * instants, zones and settings it has read.
 *
 * Quiet hours are a wall-clock window "HH:MM"–"HH:MM" (start inclusive, end exclusive) that may
 * cross midnight (21:00–08:00); equal ends turn it off. Across a daylight-saving change the wall
 * clock decides: a window ending at 08:00 ends at 08:00 local whatever the offset, an end that
 * does not exist that night (02:30 on a spring-forward night) ends the window when the clock
 * jumps past it, and an end that happens twice (01:30 on a fall-back night) ends it the first
 * time; an instant in the repeated hour that reads inside the window again waits for the second.
 */

export interface QuietHours {
  /** "HH:MM", 00:00–23:59. */
  quietStart: string;
  quietEnd: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function minutesOf(time: string): number {
  if (!HHMM.test(time)) throw new RangeError(`quiet hours: "${time}" is not a time of day (HH:MM)`);
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return hh * 60 + mm;
}

/** Whether a wall-clock minute of the day is inside the window. */
function insideWindow(minute: number, start: number, end: number): boolean {
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * `instant` itself when it is outside the quiet hours in `timeZone`, else the instant they end
 * there (always later than `instant`).
 */
export function afterQuietHours(instant: Date, timeZone: string, quiet: QuietHours): Date {
  const start = minutesOf(quiet.quietStart);
  const end = minutesOf(quiet.quietEnd);
  if (start === end) return instant;
  const minute = minutesOf(zonedTime(instant, timeZone));
  if (!insideWindow(minute, start, end)) return instant;
  const date = zonedDate(instant, timeZone);
  // A window that crosses midnight, entered before midnight, ends the next day.
  const endDate = start > end && minute >= start ? addDays(date, 1) : date;
  return wallClockReaches(instant, endDate, quiet.quietEnd, timeZone);
}

/** The zone's offset from UTC at an instant, in minutes (Chicago in winter: -360). */
function offsetMinutes(epochMs: number, timeZone: string): number {
  return -new TZDate(epochMs, timeZone).getTimezoneOffset();
}

/** The first instant after `after` at which the wall clock in `timeZone` reads `time` on `date`, or has jumped past it. */
function wallClockReaches(after: Date, date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wallAsUtc = Date.UTC(y, m - 1, d) + minutesOf(time) * MINUTE_MS;
  // Every offset the zone uses around that day: one, or the two on either side of a change.
  const offsets = [...new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetMinutes(wallAsUtc + shift, timeZone)))].sort((a, b) => a - b);
  const occurrences = offsets
    .map((offset) => wallAsUtc - offset * MINUTE_MS)
    .filter((t) => t > after.getTime() && zonedDate(new Date(t), timeZone) === date && zonedTime(new Date(t), timeZone) === time)
    .sort((a, b) => a - b);
  if (occurrences.length > 0) return new Date(occurrences[0]!);
  if (offsets.length < 2) throw new RangeError(`quiet hours: ${date} ${time} not found in ${timeZone}`);
  // Skipped by a spring-forward change: the window ends at the change. It lies between the
  // instant that reads `time` on the new offset (before the change) and on the old one (after).
  let before = wallAsUtc - offsets[offsets.length - 1]! * MINUTE_MS;
  let reached = wallAsUtc - offsets[0]! * MINUTE_MS;
  const oldOffset = offsetMinutes(before, timeZone);
  while (reached - before > 1000) {
    const middle = before + Math.floor((reached - before) / 2000) * 1000;
    if (offsetMinutes(middle, timeZone) === oldOffset) before = middle;
    else reached = middle;
  }
  return new Date(reached);
}

/**
 * The send instants of `count` messages at `ratePerMinute`, from `start`: message i goes
 * `i × 60 s / rate` after it (to the millisecond, rounded down). `firstIndex` continues a sequence
 * written in batches, so batch two's first slot follows batch one's last.
 */
export function throttleSlots(start: Date, ratePerMinute: number, count: number, firstIndex = 0): Date[] {
  if (!Number.isFinite(ratePerMinute) || ratePerMinute <= 0) throw new RangeError('throttle: the rate must be a positive number per minute');
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(firstIndex) || firstIndex < 0) {
    throw new RangeError('throttle: count and firstIndex must be whole numbers, not negative');
  }
  const origin = start.getTime();
  return Array.from({ length: count }, (_, i) => new Date(origin + Math.floor(((firstIndex + i) * MINUTE_MS) / ratePerMinute)));
}
