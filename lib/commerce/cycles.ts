import 'server-only';
import type { IntervalUnit } from '@/db/schema/commerce';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';

/**
 * Subscription cycles, pure: which phase a cycle falls in (and so its price), and when the next
 * cycle is due. Renewals happen at the clinic's renewal time of day on calendar dates in the
 * clinic's time zone, so a DST change never moves them an hour, and "the 31st" stays the last
 * day of a short month and comes back to the 31st after it (the anchor day).
 */

/** The clinic's local time at which renewals are charged. */
export const RENEWAL_TIME = '09:00';

export interface PhaseLike {
  position: number;
  unitAmount: number;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  cycles: number | null;
}

export interface CyclePhase<P extends PhaseLike> {
  phase: P;
  /** 1-based: the cycle's number within its phase. */
  cycleInPhase: number;
}

/**
 * The phase that charges cycle `cycleNumber` (1-based over the whole subscription), or null when
 * the subscription has ended before it (every phase's cycles used up).
 */
export function phaseForCycle<P extends PhaseLike>(phases: readonly P[], cycleNumber: number): CyclePhase<P> | null {
  if (!Number.isInteger(cycleNumber) || cycleNumber < 1) throw new RangeError('cycleNumber must be a positive integer');
  let left = cycleNumber;
  for (const phase of [...phases].sort((a, b) => a.position - b.position)) {
    if (phase.cycles === null || left <= phase.cycles) return { phase, cycleInPhase: left };
    left -= phase.cycles;
  }
  return null;
}

/** How many cycles the subscription has in all (null: it runs until cancelled). */
export function totalCycles(phases: readonly PhaseLike[]): number | null {
  let sum = 0;
  for (const p of phases) {
    if (p.cycles === null) return null;
    sum += p.cycles;
  }
  return sum;
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/**
 * The calendar date `count` units after `date` (YYYY-MM-DD). Months and years keep the anchor
 * day where the month has it, else take the month's last day.
 */
export function addInterval(date: string, unit: IntervalUnit, count: number, anchorDay: number): string {
  if (unit === 'day') return addDays(date, count);
  if (unit === 'week') return addDays(date, 7 * count);
  const [y, m] = date.split('-').map(Number) as [number, number, number];
  const months = unit === 'month' ? count : 12 * count;
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month1 = (index % 12) + 1;
  const day = Math.min(anchorDay, daysInMonth(year, month1));
  return `${String(year).padStart(4, '0')}-${String(month1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The instant of the cycle after the one due at `current`, at the renewal time in `timeZone`. */
export function nextCycleAt(current: Date, phase: Pick<PhaseLike, 'intervalUnit' | 'intervalCount'>, anchorDay: number, timeZone: string): Date {
  const date = addInterval(zonedDate(current, timeZone), phase.intervalUnit, phase.intervalCount, anchorDay);
  return zonedInstant(date, RENEWAL_TIME, timeZone);
}

/** The renewal instant on a calendar date (a rescheduled or resumed subscription). */
export function cycleAtDate(date: string, timeZone: string): Date {
  return zonedInstant(date, RENEWAL_TIME, timeZone);
}

/** The day of the month a subscription started on: its anchor for monthly and yearly cycles. */
export function anchorDayOf(start: Date, timeZone: string): number {
  return Number(zonedDate(start, timeZone).slice(8, 10));
}
