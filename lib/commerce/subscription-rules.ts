import 'server-only';
import type { SubscriptionStatus } from '@/db/schema/commerce';
import { applyBasisPoints, lineAmounts, type LineAmounts } from '@/lib/billing/money';
import { addDays, zonedDate } from '@/lib/scheduling/zoned-time';
import { cycleAtDate, nextCycleAt, type PhaseLike } from './cycles';

/**
 * What may be done to a subscription, and what it then looks like: pure, so the unit tests read
 * every rule and the pages and lib/commerce/subscriptions.ts share them. A patient acts within the
 * clinic's settings (CRM → Shop); staff (orders.manage) are not held to them, but nobody can move a
 * date into the past, pause a subscription that is not running, or change one that is over.
 */

export type SubscriptionActor = 'patient' | 'staff';

/** What a patient may do, from the clinic's settings. Staff get STAFF_LIMITS. */
export interface SubscriptionLimits {
  allowSkip: boolean;
  allowPause: boolean;
  maxPauseDays: number;
  allowReschedule: boolean;
  rescheduleWindowDays: number;
  allowCancel: boolean;
}

export const STAFF_LIMITS: Readonly<SubscriptionLimits> = {
  allowSkip: true, allowPause: true, maxPauseDays: 3650, allowReschedule: true, rescheduleWindowDays: 3650, allowCancel: true,
};

export interface SubscriptionState {
  status: SubscriptionStatus;
  nextCycleAt: Date | null;
  pausedUntil: string | null;
  phasePosition: number;
  cyclesInPhase: number;
  cyclesBilled: number;
  anchorDay: number;
}

/**
 * The reasons offered when cancelling. Codes only reach events and the audit (a typed "other"
 * reason stays on the subscription row: it may say something about the patient's health).
 */
export const CANCEL_REASONS = ['too_expensive', 'not_needed', 'switching', 'delivery', 'other'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** Why a change is refused: a code the portal translates and staff read in English. */
export type SubscriptionRefusal =
  | 'not-allowed'
  | 'not-active'
  | 'not-paused'
  | 'over'
  | 'no-next-cycle'
  | 'pause-past'
  | 'pause-too-long'
  | 'date-past'
  | 'date-outside-window'
  | 'date-unchanged'
  | 'phase-unknown'
  | 'phase-unchanged'
  | 'reason-invalid';

export const SUBSCRIPTION_REFUSALS: Record<SubscriptionRefusal, string> = {
  'not-allowed': 'The clinic does not allow this change online. Staff can make it for you.',
  'not-active': 'Only a running subscription can be changed this way.',
  'not-paused': 'This subscription is not paused.',
  over: 'This subscription has ended or been cancelled.',
  'no-next-cycle': 'This subscription has no next payment to change.',
  'pause-past': 'Choose a date after today.',
  'pause-too-long': 'Choose a date within the pause the clinic allows.',
  'date-past': 'Choose a date after today.',
  'date-outside-window': 'Choose a date within the window the clinic allows.',
  'date-unchanged': 'That is already the next payment date.',
  'phase-unknown': 'Choose a phase of this product.',
  'phase-unchanged': 'The subscription is already in that phase.',
  'reason-invalid': 'Keep the reason to 200 characters or fewer.',
};

export const isOver = (status: SubscriptionStatus) => status === 'cancelled' || status === 'ended';

/**
 * The phase that charges the next cycle: the current one while it has cycles left (a phase of
 * unlimited cycles always has), else the next by position; null when every phase is done (the
 * subscription ends). Staff moving the phase reset `cyclesInPhase` to 0, so the moved-to phase
 * charges next.
 */
export function nextChargePhase<P extends PhaseLike>(phases: readonly P[], phasePosition: number, cyclesInPhase: number): P | null {
  const sorted = [...phases].sort((a, b) => a.position - b.position);
  const current = sorted.find((p) => p.position === phasePosition);
  if (current && (current.cycles === null || cyclesInPhase < current.cycles)) return current;
  return sorted.find((p) => p.position > phasePosition) ?? null;
}

/** The subscription after one more cycle is charged with `charged` (the phase nextChargePhase gave). */
export function afterCharge<P extends PhaseLike>(phases: readonly P[], state: Pick<SubscriptionState, 'phasePosition' | 'cyclesInPhase' | 'cyclesBilled'>, charged: P) {
  const cyclesInPhase = charged.position === state.phasePosition ? state.cyclesInPhase + 1 : 1;
  const more = nextChargePhase(phases, charged.position, cyclesInPhase) !== null;
  return { phasePosition: charged.position, cyclesInPhase, cyclesBilled: state.cyclesBilled + 1, ended: !more };
}

/**
 * The next cycle after one due at `dueAt` was charged (on time or after retries): one interval of
 * the charged phase later, and when retries took so long that this is already past, the first
 * cycle date after `at` (the missed periods are not charged).
 */
export function cycleAfter(dueAt: Date, phase: Pick<PhaseLike, 'intervalUnit' | 'intervalCount'>, anchorDay: number, timeZone: string, at: Date): Date {
  let next = nextCycleAt(dueAt, phase, anchorDay, timeZone);
  for (let i = 0; i < 1000 && next.getTime() <= at.getTime(); i++) next = nextCycleAt(next, phase, anchorDay, timeZone);
  return next;
}

// ---------------------------------------------------------------------------------------------
// Changes a patient or staff member asks for

type Decision<T> = { ok: true; value: T } | { ok: false; refusal: SubscriptionRefusal };
const refuse = <T>(refusal: SubscriptionRefusal): Decision<T> => ({ ok: false, refusal });
const allow = <T>(value: T): Decision<T> => ({ ok: true, value });

/** Skip the next cycle: its date moves one interval of the phase that would charge it; nothing is charged or counted. */
export function decideSkip(state: SubscriptionState, limits: SubscriptionLimits, nextPhase: PhaseLike | null, timeZone: string): Decision<{ nextCycleAt: Date }> {
  if (!limits.allowSkip) return refuse('not-allowed');
  if (isOver(state.status)) return refuse('over');
  if (state.status !== 'active') return refuse('not-active');
  if (!state.nextCycleAt || !nextPhase) return refuse('no-next-cycle');
  return allow({ nextCycleAt: nextCycleAt(state.nextCycleAt, nextPhase, state.anchorDay, timeZone) });
}

/** Pause until a date (after today, within maxPauseDays of today): nothing is charged while paused. */
export function decidePause(state: SubscriptionState, limits: SubscriptionLimits, until: string, today: string): Decision<{ pausedUntil: string }> {
  if (!limits.allowPause) return refuse('not-allowed');
  if (isOver(state.status)) return refuse('over');
  if (state.status !== 'active') return refuse('not-active');
  if (until <= today) return refuse('pause-past');
  if (until > addDays(today, limits.maxPauseDays)) return refuse('pause-too-long');
  return allow({ pausedUntil: until });
}

/**
 * When a paused subscription runs again (now, or on its date): its next cycle stays where it was
 * unless that is before the resume, in which case it is charged at the resume.
 */
export function resumedCycleAt(state: Pick<SubscriptionState, 'nextCycleAt'>, resumeAt: Date): Date {
  return state.nextCycleAt && state.nextCycleAt.getTime() > resumeAt.getTime() ? state.nextCycleAt : resumeAt;
}

/** Resume a paused subscription now: always allowed (it only starts what the patient bought again). */
export function decideResume(state: SubscriptionState, at: Date): Decision<{ nextCycleAt: Date }> {
  if (isOver(state.status)) return refuse('over');
  if (state.status !== 'paused') return refuse('not-paused');
  return allow({ nextCycleAt: resumedCycleAt(state, at) });
}

/** The resume instant of a pause that runs out on its own: the renewal time on its date. */
export function pauseEndsAt(pausedUntil: string, timeZone: string): Date {
  return cycleAtDate(pausedUntil, timeZone);
}

/**
 * Move the next payment to another date: after today, and (for a patient) within
 * rescheduleWindowDays either side of the date it was due before any move this cycle.
 */
export function decideReschedule(
  state: SubscriptionState, limits: SubscriptionLimits, date: string, dueDate: string, today: string, timeZone: string, at: Date,
): Decision<{ nextCycleAt: Date }> {
  if (!limits.allowReschedule) return refuse('not-allowed');
  if (isOver(state.status)) return refuse('over');
  if (state.status !== 'active') return refuse('not-active');
  if (!state.nextCycleAt) return refuse('no-next-cycle');
  const instant = cycleAtDate(date, timeZone);
  if (date <= today || instant.getTime() <= at.getTime()) return refuse('date-past');
  if (date < addDays(dueDate, -limits.rescheduleWindowDays) || date > addDays(dueDate, limits.rescheduleWindowDays)) return refuse('date-outside-window');
  if (zonedDate(state.nextCycleAt, timeZone) === date) return refuse('date-unchanged');
  return allow({ nextCycleAt: instant });
}

/** The dates a patient may choose for the next payment (the date picker's min and max). */
export function rescheduleBounds(limits: SubscriptionLimits, dueDate: string, today: string): { min: string; max: string } {
  const earliest = addDays(dueDate, -limits.rescheduleWindowDays);
  const tomorrow = addDays(today, 1);
  return { min: earliest > tomorrow ? earliest : tomorrow, max: addDays(dueDate, limits.rescheduleWindowDays) };
}

/** Cancel in one step, whatever state it is in, unless it is already over. */
export function decideCancel(state: SubscriptionState, limits: SubscriptionLimits): Decision<null> {
  if (!limits.allowCancel) return refuse('not-allowed');
  if (isOver(state.status)) return refuse('over');
  return allow(null);
}

/** Staff: move to a phase (by position); its cycle count starts again. */
export function decidePhase(state: SubscriptionState, phases: readonly PhaseLike[], position: number): Decision<{ phasePosition: number; cyclesInPhase: number }> {
  if (isOver(state.status)) return refuse('over');
  if (!phases.some((p) => p.position === position)) return refuse('phase-unknown');
  if (position === state.phasePosition && state.cyclesInPhase === 0) return refuse('phase-unchanged');
  return allow({ phasePosition: position, cyclesInPhase: 0 });
}

// ---------------------------------------------------------------------------------------------
// What a renewal charges

export interface CouponTerms {
  kind: 'percent' | 'amount';
  percentBp: number | null;
  amountOff: number | null;
}

/** Whether the coupon still lowers the next cycle (null cycles left: every cycle). */
export function couponApplies(couponId: string | null, couponCyclesLeft: number | null): boolean {
  return couponId !== null && (couponCyclesLeft === null || couponCyclesLeft > 0);
}

/** The coupon's discount on one line, never more than the line. */
export function couponDiscount(coupon: CouponTerms, subtotal: number): number {
  const off = coupon.kind === 'percent' ? applyBasisPoints(subtotal, coupon.percentBp ?? 0) : (coupon.amountOff ?? 0);
  return Math.max(0, Math.min(subtotal, off));
}

/** One renewal's line: the phase's price, less the coupon while it lasts, taxed as the checkout taxes. */
export function renewalLine(unitAmount: number, coupon: CouponTerms | null, taxRateBp: number): LineAmounts {
  const discountAmount = coupon ? couponDiscount(coupon, unitAmount) : 0;
  return lineAmounts({ quantity: 1, unitAmount, discountAmount, taxRateBp });
}
