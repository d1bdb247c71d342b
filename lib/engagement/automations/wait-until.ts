import 'server-only';
import { addDays, zonedInstant } from '@/lib/scheduling/zoned-time';
import { durationMs, type Step } from './definition';

/**
 * The arithmetic of a "wait until" step, shared by the runner and the dry run: when its time is,
 * and where a run goes on when that time had passed and the step says `skip_to_next_wait`.
 */

export type WaitUntilStep = Extract<Step, { kind: 'wait_until' }>;

/**
 * What a wait counts from: a visit's instant, or a calendar day in the clinic's zone at a
 * wall-clock time (a form is due on a day; its reminders go at that day's REMINDER_TIME).
 */
export type WaitAnchorTime = { instant: Date } | { day: string; time: string; timeZone: string };

export function waitUntilTarget(step: Pick<WaitUntilStep, 'offset' | 'direction'>, anchor: WaitAnchorTime): Date {
  const sign = step.direction === 'before' ? -1 : 1;
  if ('instant' in anchor) return new Date(anchor.instant.getTime() + sign * durationMs(step.offset));
  // From a day, whole days move the date and keep the hour: "3 days before" is 09:00 three days
  // earlier even across a daylight-saving change (72 hours would make it 08:00 or 10:00).
  if (step.offset.unit === 'days') return zonedInstant(addDays(anchor.day, sign * step.offset.amount), anchor.time, anchor.timeZone);
  return new Date(zonedInstant(anchor.day, anchor.time, anchor.timeZone).getTime() + sign * durationMs(step.offset));
}

/**
 * Where a run goes on when the wait at `index` is skipped: the next wait (of either kind), or the
 * end when none follows. The steps between belong to the skipped time (a reminder's check and
 * sends), so they are left out with it.
 */
export function nextWaitIndex(steps: readonly Step[], index: number): number {
  const next = steps.findIndex((s, i) => i > index && (s.kind === 'wait' || s.kind === 'wait_until'));
  return next === -1 ? steps.length : next;
}
