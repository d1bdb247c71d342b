import 'server-only';
import { addDays } from '@/lib/scheduling/zoned-time';

// A home activity's days (issue 15 point 9), as calendar dates in the clinic's zone. The plan
// starts on the day the activity was assigned and lasts `plannedDays` (FormDefinition.days), or
// runs on without an end when the clinic set none. The patient may mark a day of the plan that
// has begun: never a day before the start, after the plan's end, or after today. Pure, so the
// portal, the chart and the rule in markDay agree.

/** How far back a plan without an end is shown (and how long a grid may be). */
export const MAX_GRID_DAYS = 366;
/** The portal's checklist: the latest days that can still be marked. */
export const CHECKLIST_DAYS = 14;

export interface ActivityDay {
  day: string;
  done: boolean;
  /** Before today, today, or later (a planned day still to come). */
  when: 'past' | 'today' | 'future';
  markable: boolean;
}

export interface ActivityPlan {
  start: string;
  /** The plan's last day; null when the clinic set no number of days. */
  end: string | null;
  today: string;
  plannedDays: number | null;
  /** Days marked done within the plan. */
  daysDone: number;
  /** Days of the plan up to today (what could have been done by now). */
  daysSoFar: number;
  todayDone: boolean;
  /** True when today is a day of the plan (and the activity is open). */
  todayMarkable: boolean;
  /** Every day of the plan, the last MAX_GRID_DAYS at most (a plan without an end: up to today). */
  grid: ActivityDay[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  return ISO_DATE.test(value) && new Date(`${value}T12:00:00Z`).toISOString().startsWith(value);
}

/** Calendar days from `from` to `to` (0 when equal; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

export function planEnd(start: string, plannedDays: number | null | undefined): string | null {
  return plannedDays && plannedDays > 0 ? addDays(start, plannedDays - 1) : null;
}

/** Whether the patient may mark (or unmark) `day`. `open`: the assignment is assigned or in progress. */
export function canMarkDay(plan: { start: string; end: string | null; today: string }, day: string, open: boolean): boolean {
  if (!open || !isCalendarDate(day)) return false;
  const last = plan.end !== null && plan.end < plan.today ? plan.end : plan.today;
  return day >= plan.start && day <= last;
}

export function activityPlan(input: {
  start: string;
  plannedDays: number | null | undefined;
  today: string;
  doneDays: Iterable<string>;
  open: boolean;
}): ActivityPlan {
  const { start, today, open } = input;
  const plannedDays = input.plannedDays && input.plannedDays > 0 ? input.plannedDays : null;
  const end = planEnd(start, plannedDays);
  const done = new Set(input.doneDays);
  const lastSoFar = end !== null && end < today ? end : today;
  const daysDone = [...done].filter((day) => day >= start && day <= (end ?? today)).length;
  const daysSoFar = Math.max(0, daysBetween(start, lastSoFar) + 1);

  const gridEnd = end ?? today;
  const length = Math.max(0, daysBetween(start, gridEnd) + 1);
  const first = length > MAX_GRID_DAYS ? addDays(gridEnd, -(MAX_GRID_DAYS - 1)) : start;
  const grid: ActivityDay[] = [];
  for (let day = first; day <= gridEnd; day = addDays(day, 1)) {
    grid.push({ day, done: done.has(day), when: day < today ? 'past' : day === today ? 'today' : 'future', markable: canMarkDay({ start, end, today }, day, open) });
  }
  return {
    start, end, today, plannedDays, daysDone, daysSoFar,
    todayDone: done.has(today),
    todayMarkable: canMarkDay({ start, end, today }, today, open),
    grid,
  };
}

/** The portal's checklist: the last CHECKLIST_DAYS days that can be marked, newest first. */
export function checklistDays(plan: ActivityPlan): ActivityDay[] {
  return plan.grid.filter((d) => d.markable).slice(-CHECKLIST_DAYS).reverse();
}
