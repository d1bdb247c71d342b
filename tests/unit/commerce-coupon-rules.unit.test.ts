import { describe, expect, it } from 'vitest';
import {
  couponCodeKey, couponCyclesAfterFirst, couponDiscounts, couponRefusal, type CouponCheck, type CouponLike,
} from '@/lib/commerce/coupon-rules';

const NOW = new Date('2030-03-04T15:00:00Z');

const percent = (over: Partial<CouponLike> = {}): CouponLike => ({
  kind: 'percent', percentBp: 1000, amountOff: null, validFrom: null, validTo: null, archivedAt: null,
  maxRedemptions: null, redemptionCount: 0, perPatientLimit: null, firstOrderOnly: false, subscriptionCycles: null, ...over,
});
const check = (over: Partial<CouponCheck> = {}): CouponCheck => ({
  now: NOW, currency: 'USD', productIds: ['a', 'b'], eligibleProductIds: null, patientRedemptions: 0, hasPaidOrder: false, ...over,
});

describe('couponRefusal', () => {
  it('lets a coupon without limits be used', () => {
    expect(couponRefusal(percent(), check())).toBeNull();
  });
  it('refuses an archived coupon', () => {
    expect(couponRefusal(percent({ archivedAt: NOW }), check())).toEqual({ code: 'coupon-archived', messageKey: 'couponArchived' });
  });
  it('refuses before valid-from and from valid-to on (the end is exclusive)', () => {
    expect(couponRefusal(percent({ validFrom: new Date(NOW.getTime() + 1) }), check())?.code).toBe('coupon-not-started');
    expect(couponRefusal(percent({ validFrom: NOW }), check())).toBeNull();
    expect(couponRefusal(percent({ validTo: NOW }), check())?.code).toBe('coupon-expired');
    expect(couponRefusal(percent({ validTo: new Date(NOW.getTime() + 1) }), check())).toBeNull();
  });
  it('refuses when the total limit is reached', () => {
    expect(couponRefusal(percent({ maxRedemptions: 10, redemptionCount: 10 }), check())?.code).toBe('coupon-used-up');
    expect(couponRefusal(percent({ maxRedemptions: 10, redemptionCount: 9 }), check())).toBeNull();
  });
  it('refuses when the patient used it as often as allowed, and leaves it to the checkout when not known', () => {
    expect(couponRefusal(percent({ perPatientLimit: 1 }), check({ patientRedemptions: 1 }))?.code).toBe('coupon-patient-limit');
    expect(couponRefusal(percent({ perPatientLimit: 2 }), check({ patientRedemptions: 1 }))).toBeNull();
    expect(couponRefusal(percent({ perPatientLimit: 1 }), check({ patientRedemptions: null }))).toBeNull();
  });
  it('refuses "first order only" to a patient with a paid order', () => {
    expect(couponRefusal(percent({ firstOrderOnly: true }), check({ hasPaidOrder: true }))).toEqual({ code: 'coupon-first-order', messageKey: 'couponFirstOrder' });
    expect(couponRefusal(percent({ firstOrderOnly: true }), check({ hasPaidOrder: false }))).toBeNull();
    expect(couponRefusal(percent({ firstOrderOnly: true }), check({ hasPaidOrder: null }))).toBeNull();
  });
  it('refuses when none of the order\'s products is one the coupon is for', () => {
    expect(couponRefusal(percent(), check({ eligibleProductIds: new Set(['z']) }))?.code).toBe('coupon-no-products');
    expect(couponRefusal(percent(), check({ eligibleProductIds: new Set(['b']) }))).toBeNull();
    expect(couponRefusal(percent(), check({ productIds: [] }))?.code).toBe('coupon-no-products');
  });
  it('refuses a fixed amount in another currency', () => {
    const fixed = percent({ kind: 'amount', percentBp: null, amountOff: 500, currency: 'EUR' });
    expect(couponRefusal(fixed, check())?.code).toBe('coupon-currency');
    expect(couponRefusal({ ...fixed, currency: 'USD' }, check())).toBeNull();
  });
});

describe('couponDiscounts', () => {
  const lines = [{ productId: 'a', subtotal: 1005 }, { productId: 'b', subtotal: 995 }, { productId: 'c', subtotal: 2000 }];
  it('takes a percent of each eligible line, rounded half away from zero per line', () => {
    // 10 % of 10.05 is 1.005 → 1.01 (half away from zero); of 9.95 is 0.995 → 1.00.
    expect(couponDiscounts(percent(), lines, null)).toEqual([101, 100, 200]);
    expect(couponDiscounts(percent({ percentBp: 1250 }), [{ productId: 'a', subtotal: 2 }], null)).toEqual([0]);
    expect(couponDiscounts(percent({ percentBp: 2500 }), [{ productId: 'a', subtotal: 2 }], null)).toEqual([1]);
  });
  it('leaves lines the coupon is not for alone', () => {
    expect(couponDiscounts(percent(), lines, new Set(['b']))).toEqual([0, 100, 0]);
  });
  it('takes 100 % as the whole line, never more', () => {
    expect(couponDiscounts(percent({ percentBp: 10_000 }), lines, null)).toEqual([1005, 995, 2000]);
  });
  it('spreads a fixed amount over the eligible lines in order', () => {
    const fixed = { kind: 'amount' as const, percentBp: null, amountOff: 1500 };
    expect(couponDiscounts(fixed, lines, null)).toEqual([1005, 495, 0]);
    expect(couponDiscounts(fixed, lines, new Set(['b', 'c']))).toEqual([0, 995, 505]);
  });
  it('never takes a line or the order below zero', () => {
    const fixed = { kind: 'amount' as const, percentBp: null, amountOff: 1_000_000 };
    const taken = couponDiscounts(fixed, lines, null);
    expect(taken).toEqual([1005, 995, 2000]);
    expect(taken.every((d, i) => d <= lines[i]!.subtotal && d >= 0)).toBe(true);
  });
});

describe('couponCyclesAfterFirst', () => {
  it('says how many cycles after the first the coupon still lowers', () => {
    expect(couponCyclesAfterFirst({ subscriptionCycles: null })).toBeNull();
    expect(couponCyclesAfterFirst({ subscriptionCycles: 1 })).toBe(0);
    expect(couponCyclesAfterFirst({ subscriptionCycles: 3 })).toBe(2);
  });
});

describe('couponCodeKey', () => {
  it('folds a typed code to lower case and refuses what cannot be a code', () => {
    expect(couponCodeKey(' Welcome10 ')).toBe('welcome10');
    expect(couponCodeKey('ab')).toBeNull();
    expect(couponCodeKey('no spaces')).toBeNull();
    expect(couponCodeKey('x'.repeat(33))).toBeNull();
  });
});
