import 'server-only';
import { addDays, weekdayOf } from './zoned-time';

/**
 * Calendar maths for the portal's month picker, on plain local dates (YYYY-MM-DD) and months
 * (YYYY-MM): no instants, so no time zone can shift a day. Pure.
 */

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH_PATTERN.test(value);
}

/** A real calendar date (2030-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && DATE_PATTERN.test(value) && addDays(value, 0) === value;
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function addMonths(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function lastDateOf(month: string): string {
  return addDays(`${addMonths(month, 1)}-01`, -1);
}

/** Every date of a month, in order. */
export function monthDates(month: string): string[] {
  const dates: string[] = [];
  for (let date = `${month}-01`; monthOf(date) === month; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/**
 * The weeks a month's page shows: rows of seven dates starting on `weekStartsOn` (0 Sunday,
 * 1 Monday), with the neighbouring months' days filling the first and last rows.
 */
export function monthWeeks(month: string, weekStartsOn: 0 | 1): string[][] {
  const dates = monthDates(month);
  const lead = (weekdayOf(dates[0]!) - weekStartsOn + 7) % 7;
  const first = addDays(dates[0]!, -lead);
  const cells = Math.ceil((lead + dates.length) / 7) * 7;
  const weeks: string[][] = [];
  for (let i = 0; i < cells; i += 7) weeks.push(Array.from({ length: 7 }, (_, j) => addDays(first, i + j)));
  return weeks;
}

/**
 * The first day of the week where a language tag's region starts it: Sunday for en-US and
 * es-US (the portal's tags today), Monday for es-ES or en-GB. Runtimes without week data say Sunday.
 */
export function weekStartFor(tag: string): 0 | 1 {
  try {
    const locale = new Intl.Locale(tag) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
    const firstDay = (locale.getWeekInfo?.() ?? locale.weekInfo)?.firstDay;
    return firstDay === 1 ? 1 : 0;
  } catch {
    return 0;
  }
}

export const DAY_PARTS = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];

/** Morning before 12:00, afternoon 12:00–16:59, evening from 17:00, on a 'HH:MM' wall clock. */
export function dayPartOf(time: string): DayPart {
  const hour = Number(time.slice(0, 2));
  return hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : 'evening';
}

/** Items split into the parts of the day, each keeping its order; `timeOf` gives 'HH:MM'. */
export function groupByDayPart<T>(items: readonly T[], timeOf: (item: T) => string): Record<DayPart, T[]> {
  const groups: Record<DayPart, T[]> = { morning: [], afternoon: [], evening: [] };
  for (const item of items) groups[dayPartOf(timeOf(item))].push(item);
  return groups;
}
