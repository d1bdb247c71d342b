import { couponKinds, type CouponKind } from '@/db/schema/commerce';
import { isCalendarDate } from '@/lib/billing/invoice-forms';
import { parsePercentToBasisPoints, STRICT_FORM } from '@/lib/billing/settings-forms';
import { z } from '@/lib/validation/zod';
import { blankToUndefined, checkbox, currencyField, idList, optionalText, optionalWholeNumber, readMoney } from './product-forms';

/**
 * The coupon form (CRM → Coupons), shared by the browser and the server actions. Browser-safe.
 * A percent is typed as "10" or "12.5" and stored as basis points; a fixed amount as money in the
 * clinic's currency (the hidden `currency` the page was shown in). Dates are calendar days in the
 * clinic's time zone: valid from the start of the first day to the end of the last.
 */

export const COUPON_LIMITS = {
  description: 200,
  /** The most a fixed amount can take off, in minor units. */
  amount: 100_000_000,
  redemptions: 1_000_000,
  cycles: 1000,
  products: 200,
} as const;

export const COUPON_CODE_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;
export const COUPON_KIND_LABELS: Record<CouponKind, string> = { percent: 'Percentage off', amount: 'Fixed amount off' };
export const COUPON_APPLIES = ['all', 'chosen'] as const;

export interface CouponInput {
  code: string;
  description: string | null;
  kind: CouponKind;
  percentBp: number | null;
  amountOff: number | null;
  /** YYYY-MM-DD in the clinic's zone, or null (no start / no end). */
  validFrom: string | null;
  validTo: string | null;
  /** Null: every product. */
  productIds: string[] | null;
  maxRedemptions: number | null;
  perPatientLimit: number | null;
  firstOrderOnly: boolean;
  /** Null: every cycle of a subscription. */
  subscriptionCycles: number | null;
}

const CODE_MESSAGE = 'Enter a code of 3 to 32 letters, digits, hyphens or underscores, such as WELCOME10.';
const PERCENT_MESSAGE = 'Enter the percentage off as a number above 0 and up to 100, with at most two decimals, such as 10 or 12.5.';
const AMOUNT_MESSAGE = 'Enter the amount off as a number above zero, such as 10 or 10.50.';

function optionalDate(message: string) {
  return z.preprocess((v) => blankToUndefined(v) ?? null, z.string({ error: message }).max(10, message).refine(isCalendarDate, message).nullable());
}

const couponFields = {
  currency: currencyField,
  code: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string({ error: CODE_MESSAGE }).regex(COUPON_CODE_PATTERN, CODE_MESSAGE)),
  description: optionalText('description', COUPON_LIMITS.description),
  kind: z.enum(couponKinds, { error: 'Choose a percentage or a fixed amount off.' }),
  percent: z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: PERCENT_MESSAGE }).max(20, PERCENT_MESSAGE)),
  amount: z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: AMOUNT_MESSAGE }).max(40, AMOUNT_MESSAGE)),
  validFrom: optionalDate('Enter the first day as a date, or leave it empty to start now.'),
  validTo: optionalDate('Enter the last day as a date, or leave it empty for no end.'),
  appliesTo: z.enum(COUPON_APPLIES, { error: 'Choose all products or the products it is for.' }),
  productIds: z.preprocess(
    idList,
    z.array(z.uuid({ error: 'Choose the products from the list.' }), { error: 'Choose the products from the list.' })
      .max(COUPON_LIMITS.products, 'Choose the products from the list.'),
  ),
  maxRedemptions: optionalWholeNumber(`Enter the total limit as a whole number from 1 to ${COUPON_LIMITS.redemptions.toLocaleString('en-US')}, or leave it empty for no limit.`, 1, COUPON_LIMITS.redemptions),
  perPatientLimit: optionalWholeNumber(`Enter the limit per patient as a whole number from 1 to ${COUPON_LIMITS.redemptions.toLocaleString('en-US')}, or leave it empty for no limit.`, 1, COUPON_LIMITS.redemptions),
  firstOrderOnly: checkbox,
  subscriptionCycles: optionalWholeNumber(`Enter the number of subscription payments as a whole number from 1 to ${COUPON_LIMITS.cycles}, or leave it empty for every payment.`, 1, COUPON_LIMITS.cycles),
};

type CouponFields = z.output<z.ZodObject<typeof couponFields>>;

function readValue(values: CouponFields): { percentBp: number | null; amountOff: number | null } | { field: 'percent' | 'amount'; message: string } {
  if (values.kind === 'percent') {
    const bp = parsePercentToBasisPoints(values.percent);
    if (values.percent.trim() === '' || bp === undefined || bp <= 0) return { field: 'percent', message: PERCENT_MESSAGE };
    return { percentBp: bp, amountOff: null };
  }
  const amount = values.amount.trim() === '' ? null : readMoney(values.amount.trim(), values.currency);
  if (amount === null || amount <= 0 || amount > COUPON_LIMITS.amount) return { field: 'amount', message: AMOUNT_MESSAGE };
  return { percentBp: null, amountOff: amount };
}

function checkCoupon(values: CouponFields, ctx: z.RefinementCtx) {
  const value = readValue(values);
  if ('field' in value) ctx.addIssue({ code: 'custom', path: [value.field], message: value.message });
  if (values.validFrom && values.validTo && values.validTo < values.validFrom) {
    ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'The last day must be on or after the first.' });
  }
  if (values.appliesTo === 'chosen' && values.productIds.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['productIds'], message: 'Choose at least one product, or make the coupon for all products.' });
  }
}

export const createCouponSchema = z.strictObject(couponFields, STRICT_FORM).superRefine(checkCoupon);
export const updateCouponSchema = z.strictObject({
  couponId: z.uuid({ error: 'This coupon no longer exists. Reload the page.' }),
  ...couponFields,
}, STRICT_FORM).superRefine(checkCoupon);

/** A parsed create or update form as lib/commerce/coupons.ts saves it. */
export function couponFromForm(values: CouponFields): CouponInput {
  const value = readValue(values);
  if ('field' in value) throw new Error('couponFromForm: the form was not checked with its schema');
  return {
    code: values.code, description: values.description, kind: values.kind, ...value,
    validFrom: values.validFrom, validTo: values.validTo,
    productIds: values.appliesTo === 'all' ? null : [...new Set(values.productIds.map((id) => id.toLowerCase()))],
    maxRedemptions: values.maxRedemptions, perPatientLimit: values.perPatientLimit,
    firstOrderOnly: values.firstOrderOnly, subscriptionCycles: values.subscriptionCycles,
  };
}

export const couponIdSchema = z.strictObject({ couponId: z.uuid({ error: 'This coupon no longer exists. Reload the page.' }) }, STRICT_FORM);

/** /crm/coupons?status=archived (a bad value is the default list). */
export const couponListQuerySchema = z.object({
  status: z.preprocess((v) => (v === 'archived' ? 'archived' : 'active'), z.enum(['active', 'archived'])),
});
