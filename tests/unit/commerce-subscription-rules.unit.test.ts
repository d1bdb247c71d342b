import { describe, expect, it } from 'vitest';
import {
  afterCharge, couponDiscount, cycleAfter, decideCancel, decidePause, decidePhase, decideReschedule, decideResume, decideSkip,
  nextChargePhase, renewalLine, rescheduleBounds, resumedCycleAt, STAFF_LIMITS, type SubscriptionLimits, type SubscriptionState,
} from '@/lib/commerce/subscription-rules';
import type { PhaseLike } from '@/lib/commerce/cycles';

/** What a patient and staff may do to a subscription, and what a renewal charges. */

const NY = 'America/New_York';
const LIMITS: SubscriptionLimits = { allowSkip: true, allowPause: true, maxPauseDays: 90, allowReschedule: true, rescheduleWindowDays: 14, allowCancel: true };
const OFF: SubscriptionLimits = { allowSkip: false, allowPause: false, maxPauseDays: 90, allowReschedule: false, rescheduleWindowDays: 14, allowCancel: false };

const phases: PhaseLike[] = [
  { position: 0, unitAmount: 9900, intervalUnit: 'month', intervalCount: 1, cycles: 1 },
  { position: 1, unitAmount: 14900, intervalUnit: 'month', intervalCount: 1, cycles: null },
];
const threeCycles: PhaseLike[] = [{ position: 0, unitAmount: 5000, intervalUnit: 'month', intervalCount: 1, cycles: 3 }];

const due = new Date('2027-02-15T14:00:00Z'); // 09:00 EST, 15 February
const now = new Date('2027-02-01T17:00:00Z');
const today = '2027-02-01';
const state = (over: Partial<SubscriptionState> = {}): SubscriptionState => ({
  status: 'active', nextCycleAt: due, pausedUntil: null, phasePosition: 0, cyclesInPhase: 1, cyclesBilled: 1, anchorDay: 15, ...over,
});

describe('settings off: a patient is refused, staff are not', () => {
  it.each([
    ['skip', (l: SubscriptionLimits) => decideSkip(state(), l, phases[1]!, NY)],
    ['pause', (l: SubscriptionLimits) => decidePause(state(), l, '2027-03-01', today)],
    ['reschedule', (l: SubscriptionLimits) => decideReschedule(state(), l, '2027-02-20', '2027-02-15', today, NY, now)],
    ['cancel', (l: SubscriptionLimits) => decideCancel(state(), l)],
  ])('%s', (_name, decide) => {
    expect(decide(OFF)).toEqual({ ok: false, refusal: 'not-allowed' });
    expect(decide(LIMITS).ok).toBe(true);
    expect(decide(STAFF_LIMITS).ok).toBe(true);
  });

  it('resume is always allowed: it only starts what the patient bought again', () => {
    expect(decideResume(state({ status: 'paused', pausedUntil: '2027-03-01' }), now).ok).toBe(true);
  });
});

describe('skip', () => {
  it('moves the next date one interval of the phase that would charge it; nothing is counted', () => {
    expect(decideSkip(state(), LIMITS, phases[1]!, NY)).toEqual({ ok: true, value: { nextCycleAt: new Date('2027-03-15T13:00:00Z') } });
  });
  it('only a running subscription with a next payment', () => {
    expect(decideSkip(state({ status: 'paused' }), LIMITS, phases[1]!, NY)).toEqual({ ok: false, refusal: 'not-active' });
    expect(decideSkip(state({ status: 'cancelled' }), LIMITS, phases[1]!, NY)).toEqual({ ok: false, refusal: 'over' });
    expect(decideSkip(state({ nextCycleAt: null }), LIMITS, null, NY)).toEqual({ ok: false, refusal: 'no-next-cycle' });
  });
});

describe('pause', () => {
  it('until a date after today, at most maxPauseDays away', () => {
    expect(decidePause(state(), LIMITS, '2027-02-02', today)).toEqual({ ok: true, value: { pausedUntil: '2027-02-02' } });
    expect(decidePause(state(), LIMITS, '2027-05-02', today)).toEqual({ ok: true, value: { pausedUntil: '2027-05-02' } }); // day 90
    expect(decidePause(state(), LIMITS, '2027-05-03', today)).toEqual({ ok: false, refusal: 'pause-too-long' });
    expect(decidePause(state(), LIMITS, today, today)).toEqual({ ok: false, refusal: 'pause-past' });
    expect(decidePause(state(), LIMITS, '2027-01-20', today)).toEqual({ ok: false, refusal: 'pause-past' });
  });
  it('staff may pause longer than the clinic lets patients', () => {
    expect(decidePause(state(), STAFF_LIMITS, '2027-12-01', today).ok).toBe(true);
  });
  it('not a past-due or paused one', () => {
    expect(decidePause(state({ status: 'past_due' }), LIMITS, '2027-03-01', today)).toEqual({ ok: false, refusal: 'not-active' });
  });
});

describe('resume', () => {
  it('keeps a later cycle date; a passed one is charged at the resume', () => {
    expect(resumedCycleAt({ nextCycleAt: due }, now)).toEqual(due);
    const later = new Date('2027-03-01T14:00:00Z');
    expect(resumedCycleAt({ nextCycleAt: due }, later)).toEqual(later);
    expect(decideResume(state({ status: 'active' }), now)).toEqual({ ok: false, refusal: 'not-paused' });
  });
});

describe('reschedule', () => {
  it('within the window either side of the date it was due, never in the past', () => {
    expect(decideReschedule(state(), LIMITS, '2027-02-20', '2027-02-15', today, NY, now)).toEqual({ ok: true, value: { nextCycleAt: new Date('2027-02-20T14:00:00Z') } });
    expect(decideReschedule(state(), LIMITS, '2027-03-01', '2027-02-15', today, NY, now)).toEqual({ ok: true, value: { nextCycleAt: new Date('2027-03-01T14:00:00Z') } });
    expect(decideReschedule(state(), LIMITS, '2027-03-02', '2027-02-15', today, NY, now)).toEqual({ ok: false, refusal: 'date-outside-window' });
    expect(decideReschedule(state(), LIMITS, '2027-02-28', '2027-03-15', today, NY, now)).toEqual({ ok: false, refusal: 'date-outside-window' });
    expect(decideReschedule(state(), LIMITS, '2027-03-01', '2027-03-15', today, NY, now).ok).toBe(true);
    expect(decideReschedule(state(), LIMITS, today, '2027-02-15', today, NY, now)).toEqual({ ok: false, refusal: 'date-past' });
    expect(decideReschedule(state(), LIMITS, '2027-02-15', '2027-02-15', today, NY, now)).toEqual({ ok: false, refusal: 'date-unchanged' });
  });
  it('counts the window from the original date, so moving again cannot walk it away', () => {
    const moved = state({ nextCycleAt: new Date('2027-03-01T14:00:00Z') });
    expect(decideReschedule(moved, LIMITS, '2027-03-10', '2027-02-15', today, NY, now)).toEqual({ ok: false, refusal: 'date-outside-window' });
  });
  it('staff are not held to the window but not into the past', () => {
    expect(decideReschedule(state(), STAFF_LIMITS, '2027-06-01', '2027-02-15', today, NY, now).ok).toBe(true);
    expect(decideReschedule(state(), STAFF_LIMITS, '2027-01-01', '2027-02-15', today, NY, now)).toEqual({ ok: false, refusal: 'date-past' });
  });
  it('the date picker bounds: from tomorrow or the window start, to the window end', () => {
    expect(rescheduleBounds(LIMITS, '2027-02-15', today)).toEqual({ min: '2027-02-02', max: '2027-03-01' });
    expect(rescheduleBounds(LIMITS, '2027-02-15', '2026-12-01')).toEqual({ min: '2027-02-01', max: '2027-03-01' });
  });
});

describe('cancel and phase', () => {
  it('cancel works from any running state, not twice', () => {
    for (const status of ['active', 'paused', 'past_due'] as const) expect(decideCancel(state({ status }), LIMITS).ok).toBe(true);
    expect(decideCancel(state({ status: 'ended' }), LIMITS)).toEqual({ ok: false, refusal: 'over' });
  });
  it('staff move to a phase of the product; its count starts again', () => {
    expect(decidePhase(state(), phases, 1)).toEqual({ ok: true, value: { phasePosition: 1, cyclesInPhase: 0 } });
    expect(decidePhase(state(), phases, 5)).toEqual({ ok: false, refusal: 'phase-unknown' });
    expect(decidePhase(state({ phasePosition: 1, cyclesInPhase: 0 }), phases, 1)).toEqual({ ok: false, refusal: 'phase-unchanged' });
  });
});

describe('what renews next', () => {
  it('"$99 then $149": cycle 2 is charged at the second phase', () => {
    expect(nextChargePhase(phases, 0, 1)?.position).toBe(1);
    expect(afterCharge(phases, { phasePosition: 0, cyclesInPhase: 1, cyclesBilled: 1 }, phases[1]!)).toEqual({ phasePosition: 1, cyclesInPhase: 1, cyclesBilled: 2, ended: false });
    expect(nextChargePhase(phases, 1, 40)?.position).toBe(1);
  });
  it('"3 cycles then ends"', () => {
    expect(afterCharge(threeCycles, { phasePosition: 0, cyclesInPhase: 1, cyclesBilled: 1 }, threeCycles[0]!)).toMatchObject({ cyclesBilled: 2, ended: false });
    expect(afterCharge(threeCycles, { phasePosition: 0, cyclesInPhase: 2, cyclesBilled: 2 }, threeCycles[0]!)).toMatchObject({ cyclesBilled: 3, ended: true });
    expect(nextChargePhase(threeCycles, 0, 3)).toBeNull();
  });
  it('after a staff phase move, the moved-to phase charges next', () => {
    expect(nextChargePhase(phases, 0, 0)?.position).toBe(0);
  });
  it('a cycle charged after long retries dates the next one after now, not in the past', () => {
    const weekly = { intervalUnit: 'week' as const, intervalCount: 1 };
    const chargedAt = new Date('2027-02-25T14:00:00Z');
    expect(cycleAfter(due, weekly, 15, NY, chargedAt)).toEqual(new Date('2027-03-01T14:00:00Z'));
    expect(cycleAfter(due, { intervalUnit: 'month', intervalCount: 1 }, 15, NY, chargedAt)).toEqual(new Date('2027-03-15T13:00:00Z'));
  });
  it('the coupon and tax on a renewal line', () => {
    expect(renewalLine(14900, null, 800)).toEqual({ subtotal: 14900, discountAmount: 0, taxAmount: 1192, total: 16092 });
    expect(renewalLine(14900, { kind: 'percent', percentBp: 1000, amountOff: null }, 800)).toEqual({ subtotal: 14900, discountAmount: 1490, taxAmount: 1073, total: 14483 });
    expect(couponDiscount({ kind: 'amount', percentBp: null, amountOff: 50000 }, 14900)).toBe(14900);
  });
});
