import 'server-only';
import { addDays, weekdayOf, zonedDate, zonedInstant, zonedTime } from './zoned-time';

/**
 * The slot engine: free start times of one provider at one location, from weekly wall-clock
 * hours in the location's time zone. Pure: the caller loads the rows and passes `now`.
 *
 * Slots are generated on the wall clock (09:00, 09:30, … local) and only then turned into
 * instants, so 09:00 stays 09:00 across a daylight-saving change. A wall time that does not
 * exist that day (02:30 on a spring-forward night) is skipped; a wall time that happens twice
 * (01:30 on a fall-back night) gives one slot, the first occurrence.
 */

export interface WeeklyHours {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 'HH:MM' or 'HH:MM:SS' (Postgres `time`), local to the location. */
  startTime: string;
  endTime: string;
}

export interface Interval {
  startsAt: Date;
  endsAt: Date;
}

export interface BookingRules {
  minNoticeMinutes: number;
  bookingHorizonDays: number;
  bufferMinutes: number;
}

export interface SlotInput {
  rules: readonly WeeklyHours[];
  timeOff: readonly Interval[];
  /** The provider's appointments that are not cancelled, at any location. */
  busy: readonly Interval[];
  service: { durationMinutes: number };
  location: { timeZone: string };
  settings: BookingRules;
  /** Instants, half-open: slots starting in [from, to). */
  from: Date;
  to: Date;
  now: Date;
  /** Distance between slot starts; defaults to the service's duration. */
  stepMinutes?: number;
}

export type Slot = Interval;

const MINUTE = 60_000;

function minutesOf(time: string): number {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return hh * 60 + mm;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Wall time -> instant answers, kept for the process: each costs three time-zone conversions
 * (~15 µs), a month of candidates for every provider asks the same few hundred again, and the
 * answers never change (bounded like lib/intl/date-time-format.ts's cache).
 */
const instants = new Map<string, number | null>();
const MAX_INSTANTS = 50_000;

/** The instant of a local wall time, or null when that wall time does not exist that day. */
export function existingZonedInstant(date: string, minutes: number, timeZone: string): Date | null {
  const key = `${timeZone}|${date}|${minutes}`;
  let at = instants.get(key);
  if (at === undefined) {
    at = wallClockInstant(date, minutes, timeZone)?.getTime() ?? null;
    if (instants.size >= MAX_INSTANTS) instants.clear();
    instants.set(key, at);
  }
  return at === null ? null : new Date(at);
}

function wallClockInstant(date: string, minutes: number, timeZone: string): Date | null {
  // 24:00 (a valid Postgres time) is the next day's midnight.
  if (minutes >= 24 * 60) return zonedInstant(addDays(date, 1), hhmm(minutes - 24 * 60), timeZone);
  const time = hhmm(minutes);
  const instant = zonedInstant(date, time, timeZone);
  return zonedDate(instant, timeZone) === date && zonedTime(instant, timeZone) === time ? instant : null;
}

const overlaps = (a: Interval, start: number, end: number) => a.startsAt.getTime() < end && a.endsAt.getTime() > start;

/** The earliest and latest start the clinic's notice and horizon allow. */
export function bookableRange(now: Date, settings: BookingRules): { earliest: Date; latest: Date } {
  return {
    earliest: new Date(now.getTime() + settings.minNoticeMinutes * MINUTE),
    latest: new Date(now.getTime() + settings.bookingHorizonDays * 24 * 60 * MINUTE),
  };
}

/** Why a time cannot be booked, or null when it is free (no grid check: staff may book off-grid). */
export type SlotProblem = 'outside-hours' | 'too-soon' | 'beyond-horizon' | 'time-off' | 'slot-taken';

export function checkSlot(input: Omit<SlotInput, 'from' | 'to' | 'stepMinutes'> & { startsAt: Date }): SlotProblem | null {
  const { timeZone } = input.location;
  const start = input.startsAt.getTime();
  const end = start + input.service.durationMinutes * MINUTE;
  const { earliest, latest } = bookableRange(input.now, input.settings);
  if (start < earliest.getTime()) return 'too-soon';
  if (start > latest.getTime()) return 'beyond-horizon';
  const date = zonedDate(input.startsAt, timeZone);
  const insideHours = input.rules.some((rule) => {
    if (rule.weekday !== weekdayOf(date)) return false;
    const open = existingZonedInstant(date, minutesOf(rule.startTime), timeZone);
    const close = zonedInstantOrNext(date, minutesOf(rule.endTime), timeZone);
    return open !== null && start >= open.getTime() && end <= close.getTime();
  });
  if (!insideHours) return 'outside-hours';
  if (input.timeOff.some((t) => overlaps(t, start, end))) return 'time-off';
  const buffer = input.settings.bufferMinutes * MINUTE;
  if (input.busy.some((b) => overlaps(b, start - buffer, end + buffer))) return 'slot-taken';
  return null;
}

/** A closing time that falls in a spring-forward gap closes at the first instant after it. */
function zonedInstantOrNext(date: string, minutes: number, timeZone: string): Date {
  return existingZonedInstant(date, minutes, timeZone) ?? zonedInstant(date, hhmm(minutes), timeZone);
}

export function computeFreeSlots(input: SlotInput): Slot[] {
  const { timeZone } = input.location;
  const duration = input.service.durationMinutes;
  const step = input.stepMinutes ?? duration;
  if (step <= 0 || duration <= 0) throw new Error('slot engine: step and duration must be positive');
  const { earliest, latest } = bookableRange(input.now, input.settings);
  const lower = Math.max(input.from.getTime(), earliest.getTime());
  const upper = Math.min(input.to.getTime(), latest.getTime() + 1);
  if (lower >= upper) return [];
  const buffer = input.settings.bufferMinutes * MINUTE;

  const seen = new Set<number>();
  const slots: Slot[] = [];
  // Local dates covering the window; one day of margin either side, the filters below trim it.
  const lastDate = addDays(zonedDate(new Date(upper), timeZone), 1);
  for (let date = addDays(zonedDate(new Date(lower), timeZone), -1); date <= lastDate; date = addDays(date, 1)) {
    const weekday = weekdayOf(date);
    for (const rule of input.rules) {
      if (rule.weekday !== weekday) continue;
      const close = zonedInstantOrNext(date, minutesOf(rule.endTime), timeZone).getTime();
      for (let m = minutesOf(rule.startTime); m + duration <= minutesOf(rule.endTime); m += step) {
        const startsAt = existingZonedInstant(date, m, timeZone);
        if (!startsAt) continue;
        const start = startsAt.getTime();
        const end = start + duration * MINUTE;
        if (start < lower || start >= upper || end > close || seen.has(start)) continue;
        if (input.timeOff.some((t) => overlaps(t, start, end))) continue;
        if (input.busy.some((b) => overlaps(b, start - buffer, end + buffer))) continue;
        seen.add(start);
        slots.push({ startsAt, endsAt: new Date(end) });
      }
    }
  }
  return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
