import 'server-only';
import type { CouponKind } from '@/db/schema/commerce';
import { allocate, applyBasisPoints } from '@/lib/billing/money';

/**
 * Whether a coupon may be used on an order, and what it takes off each line. Pure: the cart page
 * shows the same refusal the checkout enforces. The checkout re-checks the limits that need the
 * database (redemptions, the patient's earlier orders) under the coupon's row lock
 * (lib/commerce/checkout.ts); a visitor's cart leaves those to the checkout (`null`).
 */

export interface CouponLike {
  kind: CouponKind;
  /** Basis points for a percent coupon (1000 = 10 %). */
  percentBp: number | null;
  /** Minor units for a fixed-amount coupon. */
  amountOff: number | null;
  validFrom: Date | null;
  validTo: Date | null;
  archivedAt: Date | null;
  maxRedemptions: number | null;
  redemptionCount: number;
  perPatientLimit: number | null;
  firstOrderOnly: boolean;
  /** Cycles of a subscription it lowers (null: every one). */
  subscriptionCycles: number | null;
  /** The currency a fixed amount is in, when the coupon records one (else the clinic's). */
  currency?: string | null;
}

export const COUPON_REFUSALS = {
  'coupon-unknown': 'couponUnknown',
  'coupon-archived': 'couponArchived',
  'coupon-not-started': 'couponNotStarted',
  'coupon-expired': 'couponExpired',
  'coupon-used-up': 'couponUsedUp',
  'coupon-patient-limit': 'couponPatientLimit',
  'coupon-first-order': 'couponFirstOrder',
  'coupon-no-products': 'couponNoProducts',
  'coupon-currency': 'couponCurrency',
} as const;

export type CouponRefusalCode = keyof typeof COUPON_REFUSALS;
/** A key of the shop's catalogue (lib/i18n/messages/shop.ts): the words the patient reads. */
export type CouponRefusalKey = (typeof COUPON_REFUSALS)[CouponRefusalCode];

export interface CouponRefusal {
  code: CouponRefusalCode;
  messageKey: CouponRefusalKey;
}

const refusal = (code: CouponRefusalCode): CouponRefusal => ({ code, messageKey: COUPON_REFUSALS[code] });

export interface CouponCheck {
  now: Date;
  /** The order's currency (the clinic's billing currency). */
  currency: string;
  /** The products on the order. */
  productIds: readonly string[];
  /** The products the coupon is limited to; null: every product. */
  eligibleProductIds: ReadonlySet<string> | null;
  /** How many times this patient has used the coupon; null when not known yet (a visitor). */
  patientRedemptions: number | null;
  /** Whether the patient has an earlier paid order; null when not known yet (a visitor). */
  hasPaidOrder: boolean | null;
}

/** Null when the coupon may be used on this order, else the first reason it may not. */
export function couponRefusal(coupon: CouponLike, check: CouponCheck): CouponRefusal | null {
  if (coupon.archivedAt) return refusal('coupon-archived');
  if (coupon.validFrom && check.now < coupon.validFrom) return refusal('coupon-not-started');
  if (coupon.validTo && check.now >= coupon.validTo) return refusal('coupon-expired');
  if (coupon.maxRedemptions !== null && coupon.redemptionCount >= coupon.maxRedemptions) return refusal('coupon-used-up');
  if (coupon.perPatientLimit !== null && check.patientRedemptions !== null && check.patientRedemptions >= coupon.perPatientLimit) return refusal('coupon-patient-limit');
  if (coupon.firstOrderOnly && check.hasPaidOrder === true) return refusal('coupon-first-order');
  if (coupon.kind === 'amount' && coupon.currency && coupon.currency !== check.currency) return refusal('coupon-currency');
  if (!check.productIds.some((id) => isEligible(check.eligibleProductIds, id))) return refusal('coupon-no-products');
  return null;
}

export function isEligible(eligible: ReadonlySet<string> | null, productId: string): boolean {
  return eligible === null || eligible.has(productId);
}

export interface DiscountLine {
  productId: string;
  /** The line before the discount: quantity × unit price (a subscription line: its first cycle). */
  subtotal: number;
}

/**
 * What the coupon takes off each line, in the lines' order. A percent coupon takes its share of
 * each eligible line (rounded half away from zero, per line, as the receipt shows it); a fixed
 * amount is spread over the eligible lines in order, never more than a line comes to, so no line
 * and no order goes below zero.
 */
export function couponDiscounts(coupon: Pick<CouponLike, 'kind' | 'percentBp' | 'amountOff'>, lines: readonly DiscountLine[], eligible: ReadonlySet<string> | null): number[] {
  if (coupon.kind === 'percent') {
    const bp = coupon.percentBp ?? 0;
    return lines.map((l) => (isEligible(eligible, l.productId) ? Math.min(l.subtotal, applyBasisPoints(l.subtotal, bp)) : 0));
  }
  const dues = lines.map((l, i) => ({ id: String(i), due: isEligible(eligible, l.productId) ? l.subtotal : 0 }));
  const spread = allocate(Math.max(0, coupon.amountOff ?? 0), dues);
  return lines.map((_, i) => spread.find((s) => s.id === String(i))?.amount ?? 0);
}

/**
 * The cycles the coupon still lowers after a subscription's first one (the checkout charges the
 * first): null for every cycle, 0 when it was for the first payment only.
 */
export function couponCyclesAfterFirst(coupon: Pick<CouponLike, 'subscriptionCycles'>): number | null {
  return coupon.subscriptionCycles === null ? null : Math.max(0, coupon.subscriptionCycles - 1);
}

/** A coupon code as typed ("welcome10 ") in the form it is looked up by; null when it cannot be one. */
export function couponCodeKey(input: string): string | null {
  const code = input.trim();
  return /^[A-Za-z0-9_-]{3,32}$/.test(code) ? code.toLowerCase() : null;
}
