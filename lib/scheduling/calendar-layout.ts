import 'server-only';
import { addDays, zonedInstant, zonedTime } from './zoned-time';

/**
 * The calendar grid's geometry, pure: which 15-minute rows a view has, which instant each row is
 * on each day, where a visit sits in rows, and which visits go side by side.
 *
 * Rows are real 15-minute steps from the axis' first hour, labelled by the wall clock of the
 * location's zone. A spring-forward day has no 02:00–02:45 rows and a fall-back day has 01:00–01:45
 * twice (the second time `repeat: 1`), so a day view of such a day is 23 or 25 hours long. A
 * week shares one set of rows: the longest day's, which holds every other day's wall times (a week
 * has at most one daylight-saving change); on the other days the extra rows are gaps (no instant).
 */

export const ROW_MINUTES = 15;
const ROW_MS = ROW_MINUTES * 60_000;

export interface Interval {
  startsAt: Date;
  endsAt: Date;
}

export interface CalendarRow {
  /** Wall time HH:MM in the zone. */
  time: string;
  /** 1 for the second pass through a wall time (the hour repeated on a fall-back night). */
  repeat: number;
  /** The row starts an hour. */
  hour: boolean;
}

export interface CalendarAxis {
  /** The axis' first and last wall hours (0–24), shared by every day of the view. */
  startHour: number;
  endHour: number;
  rows: CalendarRow[];
  /** Per day: the instant of each row, or null where that wall time does not exist that day. */
  instants: Map<string, (Date | null)[]>;
}

/** The local day [00:00, next 00:00) as instants; 23 or 25 hours on a daylight-saving day. */
export function dayBounds(date: string, timeZone: string): Interval {
  return { startsAt: zonedInstant(date, '00:00', timeZone), endsAt: zonedInstant(addDays(date, 1), '00:00', timeZone) };
}

function wallHour(instant: Date, timeZone: string): { hour: number; minute: number } {
  const [hh, mm] = zonedTime(instant, timeZone).split(':').map(Number) as [number, number];
  return { hour: hh, minute: mm };
}

/**
 * The wall hours the axis spans: at least `min` (08:00–18:00), widened to whole hours around
 * every interval (working hours, visits, time off) that falls on one of `days`, clipped to the day.
 */
export function axisHours(days: readonly string[], timeZone: string, intervals: readonly Interval[], min = { startHour: 8, endHour: 18 }) {
  let { startHour, endHour } = min;
  for (const date of days) {
    const day = dayBounds(date, timeZone);
    for (const i of intervals) {
      const start = Math.max(i.startsAt.getTime(), day.startsAt.getTime());
      const end = Math.min(i.endsAt.getTime(), day.endsAt.getTime());
      if (end <= start) continue;
      startHour = Math.min(startHour, wallHour(new Date(start), timeZone).hour);
      if (end >= day.endsAt.getTime()) endHour = 24;
      else {
        const w = wallHour(new Date(end), timeZone);
        endHour = Math.max(endHour, w.minute > 0 ? w.hour + 1 : w.hour);
      }
    }
  }
  return { startHour, endHour: Math.max(endHour, startHour + 1) };
}

const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** One day's rows: 15-minute instants from the first wall hour to the last, labelled in the zone. */
function dayRows(date: string, timeZone: string, startHour: number, endHour: number) {
  const from = zonedInstant(date, hh(startHour), timeZone).getTime();
  const to = endHour >= 24 ? zonedInstant(addDays(date, 1), '00:00', timeZone).getTime() : zonedInstant(date, hh(endHour), timeZone).getTime();
  const seen = new Map<string, number>();
  const rows: { key: string; row: CalendarRow; at: Date }[] = [];
  for (let t = from; t < to; t += ROW_MS) {
    const at = new Date(t);
    const time = zonedTime(at, timeZone);
    const repeat = seen.get(time) ?? 0;
    seen.set(time, repeat + 1);
    rows.push({ key: `${time}#${repeat}`, row: { time, repeat, hour: time.endsWith(':00') }, at });
  }
  return rows;
}

export function buildAxis(days: readonly string[], timeZone: string, intervals: readonly Interval[]): CalendarAxis {
  const { startHour, endHour } = axisHours(days, timeZone, intervals);
  const perDay = days.map((date) => ({ date, rows: dayRows(date, timeZone, startHour, endHour) }));
  const longest = perDay.reduce((a, b) => (b.rows.length > a.rows.length ? b : a), perDay[0] ?? { date: '', rows: [] });
  const rows = longest.rows.map((r) => r.row);
  const keys = longest.rows.map((r) => r.key);
  const instants = new Map(perDay.map(({ date, rows: own }) => {
    const byKey = new Map(own.map((r) => [r.key, r.at]));
    return [date, keys.map((k) => byKey.get(k) ?? null)] as const;
  }));
  return { startHour, endHour, rows, instants };
}

/**
 * Where an instant falls on one day's column, in rows from the top (fractional inside a row);
 * 0 before the axis, rows.length after it.
 */
export function rowPosition(instant: Date, instants: readonly (Date | null)[]): number {
  const t = instant.getTime();
  let last = -1;
  for (let i = 0; i < instants.length; i++) {
    const at = instants[i];
    if (at && at.getTime() <= t) last = i;
  }
  if (last < 0) return 0;
  const within = (t - instants[last]!.getTime()) / ROW_MS;
  return within >= 1 ? last + 1 : last + within;
}

export interface Placement {
  /** Rows from the top of the column to the start. */
  top: number;
  /** Height in rows (at least a quarter of a row, so a visit is never invisible). */
  span: number;
}

/** Top and height of an interval on one day's column, clipped to the axis; null when outside it. */
export function place(interval: Interval, instants: readonly (Date | null)[]): Placement | null {
  const top = rowPosition(interval.startsAt, instants);
  const bottom = rowPosition(interval.endsAt, instants);
  if (bottom <= top) return null;
  return { top, span: Math.max(bottom - top, 0.25) };
}

/**
 * Overlapping intervals side by side: each gets a lane and the number of lanes of its cluster
 * (the visits that overlap it directly or through each other), so widths in a cluster match.
 */
export function assignLanes<T extends Interval>(items: readonly T[]): Map<T, { lane: number; lanes: number }> {
  const sorted = [...items].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || b.endsAt.getTime() - a.endsAt.getTime());
  const result = new Map<T, { lane: number; lanes: number }>();
  let cluster: T[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -Infinity;
  const close = () => {
    for (const item of cluster) result.get(item)!.lanes = laneEnds.length;
    cluster = [];
    laneEnds = [];
    clusterEnd = -Infinity;
  };
  for (const item of sorted) {
    const start = item.startsAt.getTime();
    if (start >= clusterEnd) close();
    let lane = laneEnds.findIndex((end) => end <= start);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = item.endsAt.getTime();
    clusterEnd = Math.max(clusterEnd, item.endsAt.getTime());
    cluster.push(item);
    result.set(item, { lane, lanes: 0 });
  }
  close();
  return result;
}

/** The row holding an instant and how far into it (0–1), for the "now" line; null off the axis. */
export function rowAt(instant: Date, instants: readonly (Date | null)[]): { row: number; offset: number } | null {
  const t = instant.getTime();
  for (let i = 0; i < instants.length; i++) {
    const at = instants[i];
    if (at && t >= at.getTime() && t < at.getTime() + ROW_MS) return { row: i, offset: (t - at.getTime()) / ROW_MS };
  }
  return null;
}

/** Whether the cell [at, at + 15 min) lies wholly inside one of the intervals. */
export function cellInside(at: Date, intervals: readonly Interval[]): boolean {
  const start = at.getTime();
  return intervals.some((i) => i.startsAt.getTime() <= start && i.endsAt.getTime() >= start + ROW_MS);
}

/** Whether the cell [at, at + 15 min) overlaps one of the intervals. */
export function cellTouches(at: Date, intervals: readonly Interval[]): boolean {
  const start = at.getTime();
  return intervals.some((i) => i.startsAt.getTime() < start + ROW_MS && i.endsAt.getTime() > start);
}
