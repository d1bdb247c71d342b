'use server';

import { randomUUID } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { PortalContext } from '@/lib/access/context';
import { portalAction, portalCall } from '@/lib/actions/wrappers';
import { gatewayFor } from '@/lib/billing/gateway';
import { tokenizeTestCard, type TestCardRuleCode } from '@/lib/billing/gateway/test-gateway';
import { testCardFromForm, type TokenCallResult } from '@/lib/billing/portal-forms';
import { authenticateTestPayment, refreshPortalPayment } from '@/lib/billing/portal-payments';
import { EMPTY_CART, readCart, writeCart } from '@/lib/commerce/cart';
import { afterCharge, CheckoutInterruptedError, orderOfPayment, ownOrder, payOrder, placeOrder, type CheckoutRuleCode, type PayOrderResult, type PaySource } from '@/lib/commerce/checkout';
import {
  authenticateOrderPaymentSchema, checkoutTestCardSchema, checkoutTokenSchema, orderPaymentSchema, payOrderTestCardSchema, payOrderTokenSchema,
  requirementUploadSchema, shippingFromForm, type CheckoutFormState,
} from '@/lib/commerce/checkout-forms';
import { openUploadRequirement } from '@/lib/commerce/requirements';
import { NotFoundError, RuleError } from '@/lib/kernel/errors';
import { declaredTypeFor } from '@/lib/documents/file-rules';
import { listUploadDocumentTypes, uploadFromPortal } from '@/lib/documents/patient-uploads';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { toLocale, translator, type Translate } from '@/lib/i18n/core';
import { billingLibMessage } from '@/lib/i18n/messages/billing';
import { CHECKOUT_INTERRUPTED, shop, SHOP_RULES } from '@/lib/i18n/messages/shop';
import { uploads } from '@/lib/i18n/messages/uploads';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { now } from '@/lib/clock';

/**
 * The signed-in checkout (/portal/shop/checkout) and what follows it. The patient is the
 * session's; an order, payment or upload request of anyone else answers "no longer available".
 * A refusal of lib/commerce comes back in the patient's language with the field to fix; a
 * declined card leaves the order awaiting payment and sends the patient to pay it again.
 * Card numbers are never echoed back, logged or stored: the test gateway tokenises them.
 */

type T = Translate<typeof shop.en>;

// Every refusal code of lib/commerce/checkout.ts has the patient's words.
const RULES: Record<CheckoutRuleCode, keyof typeof shop.en> = SHOP_RULES;

// The simulated card's refusals, on the field the test gateway names.
const TEST_CARD_RULES = {
  'test-card-unknown': 'errTestCardUnknown', 'test-card-expired': 'errCardExpired', 'test-card-expiry-invalid': 'errExpiry', 'test-card-cvc': 'errCvc',
} as const satisfies Record<TestCardRuleCode, keyof typeof shop.en>;

const spec = { catalog: shop, messages: { invalid: 'fixErrors', notFound: 'errNotFound', busy: 'errBusy', conflict: 'errBusy' }, rules: CHECKOUT_INTERRUPTED } as const;

/**
 * The card forms: a refusal of lib/commerce (or of the simulated card) in the patient's words, the
 * fields to fix pointed at, with a fresh attempt key. Billing's (a payment in progress, payments
 * off) read as lib wrote them.
 */
const cardSpec = { ...spec, rules: { ...RULES, ...TEST_CARD_RULES, ...CHECKOUT_INTERRUPTED }, ruleExtra: () => ({ attemptKey: randomUUID() }) } as const;

/** The card to pay with: a saved one, or the simulated card tokenised (a wrong field is refused). */
async function sourceOf(ctx: PortalContext, input: { payWith: string; number?: string; expiry?: string; cvc?: string }): Promise<PaySource> {
  if (input.payWith !== 'new') return { kind: 'saved', savedCardId: input.payWith };
  const { token } = await tokenizeTestCard(getDb(), ctx.tenant.id, testCardFromForm({ number: input.number ?? '', expiry: input.expiry ?? '', cvc: input.cvc ?? '' }));
  return { kind: 'token', token };
}

/** Paying the order just placed was refused (payments turned off, a payment in progress): it waits on its own page, as after a decline. */
function notPaid(error: unknown): null {
  // The database went away mid-way: the patient reads what state they are in (charged or not).
  if (error instanceof CheckoutInterruptedError) throw error;
  if (error instanceof RuleError) return null;
  throw error;
}

const returnUrl = async () => `${await getRequestOrigin()}/portal/shop/checkout`;

/** Where the patient goes after the payment's answer; a decline stays on the form. */
function nextPage(result: PayOrderResult): string | null {
  switch (result.kind) {
    case 'paid': return `/portal/shop/checkout/${result.orderId}?paid=1`;
    case 'pending': return `/portal/shop/checkout/${result.orderId}`;
    case 'requires_action': return `/portal/shop/checkout/${result.orderId}/payments/${result.paymentId}/authenticate`;
    case 'card_check': return `/portal/billing/cards/setups/${result.setupId}/authenticate`;
    default: return null;
  }
}

function declinedWords(ctx: PortalContext, result: PayOrderResult, t: T): string {
  const failure = result.kind === 'declined' ? result.failureMessage : null;
  return failure ? billingLibMessage(toLocale(ctx.account.language), failure) : t('paymentFailed');
}

async function clinicGateway(ctx: PortalContext) {
  return (await gatewayFor(getDb(), ctx.tenant.id)).kind;
}

/** The order for this request's cart, as the checkout page showed it; the cart is emptied once the order exists. */
async function placeOrderFromCart(ctx: PortalContext, input: { attemptKey: string; couponCode?: string; authorize?: 'yes'; expectedTotal: number } & Parameters<typeof shippingFromForm>[0]) {
  const placed = await placeOrder(getDb(), ctx, {
    attemptKey: input.attemptKey, lines: (await readCart(ctx.tenant.id)).lines, couponCode: input.couponCode || null, shipping: shippingFromForm(input),
    authorizeSubscription: input.authorize === 'yes', expectedTotal: input.expectedTotal,
  });
  await writeCart(ctx.tenant.id, EMPTY_CART);
  return placed;
}

/**
 * Places the order for the cart and pays it with the test gateway (a saved card or the simulated
 * card). Paid: the order's next steps, and the cart is emptied. The bank's check: its simulated
 * page. Declined: the order is kept, awaiting payment, and its page offers another card.
 */
export const checkoutTestCardAction = portalAction(
  { area: 'orders', ...cardSpec, schema: checkoutTestCardSchema, echo: ['couponCode'] },
  async (ctx, input, { t }): Promise<CheckoutFormState> => {
    dispatchSoon(); // the receipt and the forms' notice go out after the response
    if ((await clinicGateway(ctx)) !== 'test') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const source = await sourceOf(ctx, input);
    const placed = await placeOrderFromCart(ctx, input);
    const outcome = await payOrder(getDb(), ctx, { orderId: placed.orderId, attemptKey: input.attemptKey, source, authorizeSubscription: input.authorize === 'yes' }, await returnUrl()).catch(notPaid);
    revalidatePath('/portal/shop');
    // Not paid (declined, or refused after the order was made): the order waits for another card on its own page.
    const next = outcome ? nextPage(outcome) : null;
    redirect(next ?? `/portal/shop/checkout/${placed.orderId}/pay?declined=1`);
  },
);

/** The same with Stripe's Payment Element: the browser made a PaymentMethod and sends its id. */
export const checkoutTokenCall = portalCall(
  { area: 'orders', ...cardSpec, schema: checkoutTokenSchema },
  async (ctx, input, { t }): Promise<TokenCallResult> => {
    dispatchSoon();
    if ((await clinicGateway(ctx)) !== 'stripe') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const placed = await placeOrderFromCart(ctx, input);
    const outcome = await payOrder(getDb(), ctx, {
      orderId: placed.orderId, attemptKey: input.attemptKey, source: { kind: 'token', token: input.token }, authorizeSubscription: input.authorize === 'yes',
    }, await returnUrl()).catch(notPaid);
    if (!outcome) return { ok: true, status: 'pending', next: `/portal/shop/checkout/${placed.orderId}/pay?declined=1` };
    return tokenAnswer(ctx, outcome, t);
  },
);

function tokenAnswer(ctx: PortalContext, outcome: PayOrderResult, t: T): TokenCallResult {
  revalidatePath('/portal/shop');
  if (outcome.kind === 'requires_action' && outcome.clientSecret) {
    return { ok: true, status: 'requires_action', clientSecret: outcome.clientSecret, paymentId: outcome.paymentId, next: `/portal/shop/checkout/${outcome.orderId}` };
  }
  if (outcome.kind === 'card_check') return { ok: false, message: t('cardCheckNeeded'), attemptKey: randomUUID() };
  const next = nextPage(outcome);
  if (next) return { ok: true, status: outcome.kind === 'paid' ? 'succeeded' : 'pending', next };
  // Declined: the order waits for another card on its own page.
  return { ok: true, status: 'pending', next: `/portal/shop/checkout/${outcome.orderId}/pay?declined=1` };
}

/** After Stripe's bank check in the browser: where the order's payment stands (asked of Stripe). */
export const refreshOrderPaymentCall = portalCall(
  { area: 'orders', ...spec, schema: orderPaymentSchema },
  async (ctx, { paymentId }, { t }): Promise<TokenCallResult> => {
    dispatchSoon();
    const order = await orderOfPayment(getDb(), ctx, paymentId);
    const result = await refreshPortalPayment(getDb(), ctx, paymentId);
    return tokenAnswer(ctx, await afterCharge(getDb(), ctx.tenant.id, order.id, result), t);
  },
);

/** An unpaid order (a declined card) paid with the test gateway: a saved card or another simulated card. */
export const payOrderTestCardAction = portalAction(
  { area: 'orders', ...cardSpec, schema: payOrderTestCardSchema },
  async (ctx, input, { t }): Promise<CheckoutFormState> => {
    dispatchSoon();
    if ((await clinicGateway(ctx)) !== 'test') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const source = await sourceOf(ctx, input);
    const outcome = await payOrder(getDb(), ctx, { orderId: input.orderId, attemptKey: input.attemptKey, source, authorizeSubscription: input.authorize === 'yes' }, undefined);
    revalidatePath('/portal/shop');
    const next = nextPage(outcome);
    if (next) redirect(next);
    return { ok: false, message: declinedWords(ctx, outcome, t), declined: true, attemptKey: randomUUID() };
  },
);

/** The same with Stripe's Payment Element. */
export const payOrderTokenCall = portalCall(
  { area: 'orders', ...cardSpec, schema: payOrderTokenSchema },
  async (ctx, input, { t }): Promise<TokenCallResult> => {
    dispatchSoon();
    if ((await clinicGateway(ctx)) !== 'stripe') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const outcome = await payOrder(getDb(), ctx, {
      orderId: input.orderId, attemptKey: input.attemptKey, source: { kind: 'token', token: input.token }, authorizeSubscription: input.authorize === 'yes',
    }, undefined);
    if (outcome.kind === 'declined') return { ok: false, message: declinedWords(ctx, outcome, t), attemptKey: randomUUID() };
    return tokenAnswer(ctx, outcome, t);
  },
);

/**
 * The test gateway's simulated bank check of an order's payment: Approve pays it (and the order
 * moves on to its next steps), Fail leaves it awaiting payment with "Pay with another card".
 */
export const authenticateOrderPaymentAction = portalAction(
  { area: 'orders', ...spec, schema: authenticateOrderPaymentSchema },
  async (ctx, { orderId, paymentId, decision }): Promise<CheckoutFormState> => {
    dispatchSoon();
    const order = await ownOrder(getDb(), ctx, orderId);
    // The payment must be this order's: another order's paid payment must not read as this one paid.
    if ((await orderOfPayment(getDb(), ctx, paymentId)).id !== order.id) throw new NotFoundError('payment');
    const result = await authenticateTestPayment(getDb(), ctx, paymentId, decision === 'approve');
    const outcome = await afterCharge(getDb(), ctx.tenant.id, order.id, result);
    revalidatePath('/portal/shop');
    redirect(nextPage(outcome) ?? `/portal/shop/checkout/${order.id}/pay?declined=1`);
  },
);

/** Today's date where the patient is: the uploaded document's date. */
function todayIn(timeZone: string | null): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now());
  } catch {
    return now().toISOString().slice(0, 10);
  }
}

/**
 * The file an order's upload request asks for, through the portal's own upload checks; the
 * request is done in the same transaction (lib/documents/patient-uploads.ts). Back to the order.
 */
export const uploadRequirementAction = portalAction(
  { area: 'orders', ...spec, schema: requirementUploadSchema },
  async (ctx, { requirementId }, { t, form }): Promise<CheckoutFormState> => {
    const db = getDb();
    const requirement = await openUploadRequirement(db, ctx, requirementId);
    const file = form?.get('file');
    if (!(file instanceof File) || (file.size === 0 && !file.name)) return { ok: false, message: t('fixErrors'), fieldErrors: { file: t('errFileMissing') } };
    const tUploads = translator(uploads, toLocale(ctx.account.language));
    const typeId = requirement.documentTypeId ?? (await listUploadDocumentTypes(db, ctx))[0]?.id ?? '';
    await uploadFromPortal(db, ctx, {
      title: requirement.label, typeId, today: todayIn(ctx.account.timeZone), orderRequirementId: requirement.id,
      file: { bytes: Buffer.from(await file.arrayBuffer()), name: file.name, declaredType: declaredTypeFor(file) },
    }, tUploads);
    revalidatePath('/portal/shop');
    redirect(`/portal/shop/checkout/${requirement.orderId}?uploaded=1`);
  },
);
