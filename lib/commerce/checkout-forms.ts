import * as z from 'zod/mini';
import { findTestCard } from '@/lib/billing/gateway/test-cards';
import { parseExpiry } from '@/lib/billing/portal-forms';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The shop's forms (/portal/shop): the cart's and the checkout's, parsed by the server actions
 * and checked in the browser with the same schema once the page is interactive. Messages are
 * keys of the shop catalogue (lib/i18n/messages/shop.ts). Who buys comes from the session, never
 * a field; the attempt key is written into the checkout page when it is shown, so a double
 * click or a resent form is the same order and the same payment (lib/commerce/checkout.ts).
 * Browser-safe, zod/mini (the portal's first-load budget).
 */

export const MAX_QUANTITY_CHOICE = 10;

const productId = z.uuid({ error: 'errProductId' });
const attemptKey = z.uuid({ error: 'errPageExpired' });

/** A quantity from a select or a number field: 1–10 (0 as well where it takes the line out). */
function quantity(min: 0 | 1) {
  return z.pipe(
    z.string({ error: 'errQuantity' }).check(z.trim(), z.regex(/^\d{1,2}$/, 'errQuantity')),
    z.transform((v: string) => Number(v)),
  ).check(z.refine((n: number) => n >= min && n <= MAX_QUANTITY_CHOICE, 'errQuantity'));
}

/** "Add to cart" on a product's page (a subscription has no quantity: it is one). */
export const addToCartSchema = formSchema(z.object({ productId, quantity: z.optional(quantity(1)) }, { error: 'errProductId' }));

/** A cart line's quantity (0 takes it out). */
export const updateCartSchema = formSchema(z.object({ productId, quantity: quantity(0) }, { error: 'errProductId' }));

export const removeFromCartSchema = formSchema(z.object({ productId }, { error: 'errProductId' }));

/** The coupon as typed: whether it can be a code at all is the action's to say (lib/commerce/coupon-rules.ts). */
export const couponSchema = formSchema(z.object({ couponCode: z.string({ error: 'errCouponCode' }).check(z.maxLength(64, 'errCouponCode')) }, { error: 'errCouponCode' }));

/** A line of text: trimmed, at most `max`, no control characters; empty is allowed (lib says what is required). */
function text(max: number) {
  return z.optional(z.string({ error: 'errTooLong' }).check(
    z.maxLength(max, 'errTooLong'),
    z.refine((v: string) => !/[\u0000-\u001f\u007f]/.test(v), 'errTooLong'),
  ));
}

const shippingFields = {
  shipName: text(120),
  shipLine1: text(200),
  shipLine2: text(200),
  shipCity: text(100),
  shipRegion: text(100),
  shipPostalCode: text(20),
  shipCountry: text(56),
};

/** The shipping fields as lib/commerce/checkout.ts takes them (it refuses missing ones when the order ships). */
export function shippingFromForm(values: { [K in keyof typeof shippingFields]?: string }) {
  return {
    name: values.shipName ?? '', line1: values.shipLine1 ?? '', line2: values.shipLine2 ?? null, city: values.shipCity ?? '',
    region: values.shipRegion ?? null, postalCode: values.shipPostalCode ?? '', country: values.shipCountry ?? '',
  };
}

/** The total the page showed, in minor units. */
const shownTotal = z.pipe(
  z.string({ error: 'errPageExpired' }).check(z.regex(/^\d{1,10}$/, 'errPageExpired')),
  z.transform((v: string) => Number(v)),
);

const authorize = z.optional(z.enum(['yes'], { error: 'errPageExpired' }));

/** "A new card" or one of the patient's saved cards (its id). */
const payWith = z.union([z.literal('new'), z.uuid({ error: 'errChooseCard' })], { error: 'errChooseCard' });

/** The test gateway's simulated card, required only when paying with a new card. */
const testCardFields = {
  number: z.optional(z.string({ error: 'errCardNumberRequired' }).check(z.maxLength(40, 'errTestCardUnknown'))),
  expiry: z.optional(z.string({ error: 'errExpiry' }).check(z.maxLength(12, 'errExpiry'))),
  cvc: z.optional(z.string({ error: 'errCvc' }).check(z.maxLength(8, 'errCvc'))),
};

function checkNewCard() {
  return z.superRefine((v: { payWith: string; number?: string; expiry?: string; cvc?: string }, ctx) => {
    if (v.payWith !== 'new') return;
    const number = (v.number ?? '').trim();
    if (number === '') ctx.issues.push({ code: 'custom', path: ['number'], message: 'errCardNumberRequired', input: v.number });
    else if (!findTestCard(number)) ctx.issues.push({ code: 'custom', path: ['number'], message: 'errTestCardUnknown', input: v.number });
    if (!parseExpiry(v.expiry ?? '')) ctx.issues.push({ code: 'custom', path: ['expiry'], message: 'errExpiry', input: v.expiry });
    if (!/^\d{3,4}$/.test((v.cvc ?? '').trim())) ctx.issues.push({ code: 'custom', path: ['cvc'], message: 'errCvc', input: v.cvc });
  });
}

const orderFields = {
  attemptKey,
  expectedTotal: shownTotal,
  couponCode: z.optional(z.string({ error: 'errCouponCode' }).check(z.maxLength(64, 'errCouponCode'))),
  authorize,
  ...shippingFields,
};

/** The checkout with the test gateway: the order, then a saved card or the simulated card form. */
export const checkoutTestCardSchema = formSchema(z.object({ ...orderFields, payWith, ...testCardFields }, { error: 'fixErrors' }).check(checkNewCard()));
export type CheckoutTestCardInput = z.output<typeof checkoutTestCardSchema>;

/** A card token made in the browser by Stripe's Payment Element (a PaymentMethod id). */
const stripeToken = z.string({ error: 'errCardToken' }).check(z.regex(/^pm_[A-Za-z0-9_]{1,200}$/, 'errCardToken'));

/** The checkout with Stripe's Payment Element. */
export const checkoutTokenSchema = formSchema(z.object({ ...orderFields, token: stripeToken }, { error: 'fixErrors' }));

const orderId = z.uuid({ error: 'errNotFound' });

/** Paying an unpaid order again (after a decline) with the test gateway. */
export const payOrderTestCardSchema = formSchema(z.object({ orderId, attemptKey, authorize, payWith, ...testCardFields }, { error: 'fixErrors' }).check(checkNewCard()));

/** Paying an unpaid order again with Stripe's Payment Element. */
export const payOrderTokenSchema = formSchema(z.object({ orderId, attemptKey, authorize, token: stripeToken }, { error: 'fixErrors' }));

/** After Stripe's bank check in the browser: where the order's payment stands (the order is the payment's). */
export const orderPaymentSchema = formSchema(z.object({ paymentId: z.uuid({ error: 'errNotFound' }) }, { error: 'errNotFound' }));

/** The test gateway's simulated bank check of an order's payment. */
export const authenticateOrderPaymentSchema = formSchema(z.object({
  orderId, paymentId: z.uuid({ error: 'errNotFound' }), decision: z.enum(['approve', 'fail'], { error: 'errPageExpired' }),
}, { error: 'errPageExpired' }));

/** An order's upload request (the file is read from the form by the action). */
export const requirementUploadSchema = formSchema(z.object({ requirementId: z.uuid({ error: 'errNotFound' }) }, { error: 'errNotFound' }));

/** What the checkout's card forms answer with after a refusal: a fresh attempt key (the last one is spent). */
export interface CheckoutFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  attemptKey?: string;
  declined?: boolean;
}
