'use server';

import { randomUUID } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { portalAction, portalCall } from '@/lib/actions/wrappers';
import {
  authenticateTestCardSetup, grantAuthorization, refreshCardSetup, removeCard, revokeAuthorization, saveCard, setDefaultCard, type SaveCardResult,
} from '@/lib/billing/cards';
import { gatewayFor } from '@/lib/billing/gateway';
import { tokenizeTestCard, type TestCardRuleCode } from '@/lib/billing/gateway/test-gateway';
import { authenticateTestPayment, payInvoicesOnline, refreshPortalPayment } from '@/lib/billing/portal-payments';
import {
  authenticateCardSetupSchema, authenticatePaymentSchema, authorizationFromForm, authorizeCardSchema, cardIdSchema, cardSetupIdSchema, paymentIdSchema,
  payWithTestCardSchema, payWithTokenSchema, saveTestCardSchema, saveTokenCardSchema, testCardFromForm, type CardFormState, type TokenCallResult,
} from '@/lib/billing/portal-forms';
import type { SettledPayment } from '@/lib/billing/settle';
import { portalBillingEnabled } from '@/lib/billing/settings';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { toLocale, type Translate } from '@/lib/i18n/core';
import { billing, billingLibMessage } from '@/lib/i18n/messages/billing';
import { dispatchSoon } from '@/lib/outbox/dispatcher';

/**
 * The portal's Billing actions. The patient is the session's; an invoice, payment or card of
 * anyone else answers "no longer available" (lib/ scopes every read to the selected patient),
 * and with billing off in the portal every action answers the same. Card numbers are never
 * echoed back to the form, logged or stored: the test gateway tokenises them, Stripe never
 * sends them here.
 */

type T = Translate<typeof billing.en>;

const messages = { invalid: 'fixErrors', notFound: 'errNotFound', busy: 'errBusy', conflict: 'errBusy' } as const;

// The simulated card's refusals, on the field the test gateway names.
const TEST_CARD_RULES = {
  'test-card-unknown': 'errTestCardUnknown',
  'test-card-expired': 'errCardExpired',
  'test-card-expiry-invalid': 'errExpiry',
  'test-card-cvc': 'errCvc',
} as const satisfies Record<TestCardRuleCode, keyof typeof billing.en>;

// lib/billing's refusals (PaymentRefusedError, PaymentsUnavailableError, TestCardError), by code, in the patient's language.
const rules = {
  'attempt-invalid': 'ruleAttemptInvalid',
  'invoice-paid': 'ruleInvoicePaid',
  'invoice-closed': 'ruleInvoiceClosed',
  'payment-in-progress': 'rulePaymentInProgress',
  'amount-changed': 'ruleAmountChanged',
  'payments-off': 'rulePaymentsOff',
  'payments-not-set-up': 'rulePaymentsNotSetUp',
  'stripe-not-connected': 'rulePaymentsNotSetUp',
  'stripe-charges-disabled': 'rulePaymentsNotSetUp',
  'authorization-scope': 'errScope',
  'authorization-max': 'errMaxAmount',
  ...TEST_CARD_RULES,
} as const;

const spec = { catalog: billing, messages, rules } as const;

/** The portal shows billing (else every action answers not-found, as the pages do), and how the clinic takes cards. */
async function clinicGateway(ctx: PortalContext) {
  const db = getDb();
  if (!(await portalBillingEnabled(db, ctx.tenant.id))) throw new NotFoundError('billing');
  return (await gatewayFor(db, ctx.tenant.id)).kind;
}

/** The simulated card as a token (a wrong field is refused in the rules' words). */
async function tokenized(ctx: PortalContext, values: { number: string; expiry: string; cvc: string }): Promise<string> {
  return (await tokenizeTestCard(getDb(), ctx.tenant.id, testCardFromForm(values))).token;
}

const returnUrl = async () => `${await getRequestOrigin()}/portal/billing`;

/** Where the patient goes once the provider has answered; null when the payment did not go through. */
function nextPage(result: SettledPayment): string | null {
  switch (result.status) {
    case 'succeeded': return `/portal/billing/payments/${result.id}?paid=1`;
    case 'requires_action': return `/portal/billing/payments/${result.id}/authenticate`;
    case 'pending': return `/portal/billing/payments/${result.id}`;
    default: return null;
  }
}

function declined(ctx: PortalContext, result: SettledPayment, t: T): CardFormState {
  const words = result.failureMessage ? billingLibMessage(toLocale(ctx.account.language), result.failureMessage) : t('declineDefault');
  return { ok: false, message: words, declined: true, attemptKey: randomUUID() };
}

/**
 * Pay the chosen invoices with the test gateway's simulated card. Succeeded: the receipt. The
 * bank's check: its simulated page. Declined: the same form with the bank's words and a new
 * attempt key (the spent one would answer with the same decline). A resent form (same key) finds
 * the first payment and goes where it went.
 */
export const payWithTestCardAction = portalAction(
  { area: 'billing', ...spec, schema: payWithTestCardSchema },
  async (ctx, input, { t }): Promise<CardFormState> => {
    dispatchSoon(); // the receipt it may queue goes out after the response
    if ((await clinicGateway(ctx)) !== 'test') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const token = await tokenized(ctx, input);
    const result = await payInvoicesOnline(getDb(), ctx, { attemptKey: input.attemptKey, invoiceIds: input.invoice, amount: input.amount, token }, await returnUrl());
    revalidatePath('/portal/billing');
    const next = nextPage(result);
    if (next) redirect(next);
    return declined(ctx, result, t);
  },
);

/**
 * The same payment with Stripe's Payment Element: the browser made a PaymentMethod and sends its
 * id. The bank's check is Stripe's own (handleNextAction with the client secret), after which the
 * browser asks `refreshPaymentCall`.
 */
export const payWithTokenCall = portalCall(
  { area: 'billing', ...spec, schema: payWithTokenSchema },
  async (ctx, input, { t }): Promise<TokenCallResult> => {
    dispatchSoon(); // the receipt it may queue goes out after the response
    if ((await clinicGateway(ctx)) !== 'stripe') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const result = await payInvoicesOnline(getDb(), ctx, { attemptKey: input.attemptKey, invoiceIds: input.invoice, amount: input.amount, token: input.token }, await returnUrl());
    revalidatePath('/portal/billing');
    if (result.status === 'requires_action' && result.clientSecret) {
      return { ok: true, status: 'requires_action', clientSecret: result.clientSecret, paymentId: result.id, next: `/portal/billing/payments/${result.id}` };
    }
    const next = nextPage(result);
    if (next && (result.status === 'succeeded' || result.status === 'pending')) return { ok: true, status: result.status, next };
    const refusal = declined(ctx, result, t);
    return { ok: false, message: refusal.message, attemptKey: refusal.attemptKey };
  },
);

/** After Stripe's bank check in the browser: where the payment stands now. */
export const refreshPaymentCall = portalCall(
  { area: 'billing', ...spec, schema: paymentIdSchema },
  async (ctx, { paymentId }, { t }): Promise<TokenCallResult> => {
    dispatchSoon(); // the receipt it may queue goes out after the response
    const result = await refreshPortalPayment(getDb(), ctx, paymentId);
    revalidatePath('/portal/billing');
    if (result.status === 'succeeded' || result.status === 'pending') return { ok: true, status: result.status, next: nextPage(result)! };
    if (result.status === 'requires_action') return { ok: true, status: 'pending', next: `/portal/billing/payments/${result.id}` };
    const refusal = declined(ctx, result, t);
    return { ok: false, message: refusal.message, attemptKey: refusal.attemptKey };
  },
);

/**
 * The test gateway's simulated bank check: Approve pays, Fail leaves the invoice open. Either way
 * the payment's page says what happened (the receipt, or the bank's words with "Try again").
 */
export const authenticatePaymentAction = portalAction(
  { area: 'billing', ...spec, schema: authenticatePaymentSchema },
  async (ctx, { paymentId, decision }): Promise<CardFormState> => {
    dispatchSoon(); // the receipt it may queue goes out after the response
    if (!(await portalBillingEnabled(getDb(), ctx.tenant.id))) throw new NotFoundError('billing');
    const result = await authenticateTestPayment(getDb(), ctx, paymentId, decision === 'approve');
    revalidatePath('/portal/billing');
    redirect(result.status === 'succeeded' ? `/portal/billing/payments/${result.id}?paid=1` : `/portal/billing/payments/${result.id}`);
  },
);

// ---------------------------------------------------------------------------------------------
// Saved cards

function afterSave(ctx: PortalContext, result: SaveCardResult, authorized: boolean, t: T): CardFormState {
  if (result.status === 'succeeded') redirect(`/portal/billing/cards?done=${authorized ? 'saved-authorized' : 'saved'}`);
  if (result.status === 'pending') redirect('/portal/billing/cards?done=pending');
  // The authorisation asked for travels with the patient (authorize=1) to the card's page, once the bank has said yes.
  if (result.status === 'requires_action') redirect(`/portal/billing/cards/setups/${result.setupId}/authenticate${authorized ? '?authorize=1' : ''}`);
  const words = result.failureMessage ? billingLibMessage(toLocale(ctx.account.language), result.failureMessage) : t('declineDefault');
  return { ok: false, message: words, declined: true, attemptKey: randomUUID() };
}

/**
 * Where a card being saved goes after the bank's check. Saved: the list, or the card's page to
 * authorise it when the patient asked to (with a notice saying the card is saved). Not saved: the
 * check's page, which then says why. Still with the provider: the list says it is being confirmed.
 */
function afterCardCheck(result: SaveCardResult, authorize: boolean): string {
  if (result.status === 'succeeded' && result.savedCardId) {
    return authorize ? `/portal/billing/cards/${result.savedCardId}/authorize?saved=1` : '/portal/billing/cards?done=saved';
  }
  if (result.status === 'failed' || result.status === 'requires_action') return `/portal/billing/cards/setups/${result.setupId}/authenticate`;
  return '/portal/billing/cards?done=pending';
}

/** Ticked "authorise" without a purpose: refused before anything is saved, so the card is not saved without it. */
function missingScope(input: { authorize?: 'yes'; scope?: string[] }, t: T): CardFormState | null {
  if (input.authorize !== 'yes' || (input.scope?.length ?? 0) > 0) return null;
  return { ok: false, message: t('fixErrors'), fieldErrors: { scope: t('errScope') } };
}

/** "Add a card" with the simulated card form, and the authorisation when the patient gave one. */
export const saveTestCardAction = portalAction(
  { area: 'billing', ...spec, schema: saveTestCardSchema, echo: ['maxAmount'] },
  async (ctx, input, { t }): Promise<CardFormState> => {
    if ((await clinicGateway(ctx)) !== 'test') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const refused = missingScope(input, t);
    if (refused) return refused;
    const token = await tokenized(ctx, input);
    const authorize = input.authorize === 'yes' ? authorizationFromForm(input) : null;
    const result = await saveCard(getDb(), ctx, { attemptKey: input.attemptKey, token, authorize }, await returnUrl());
    revalidatePath('/portal/billing/cards');
    return afterSave(ctx, result, authorize !== null, t);
  },
);

/** "Add a card" with Stripe's Payment Element (a SetupIntent); the bank's check is Stripe's. */
export const saveTokenCardCall = portalCall(
  { area: 'billing', ...spec, schema: saveTokenCardSchema },
  async (ctx, input, { t }): Promise<TokenCallResult> => {
    if ((await clinicGateway(ctx)) !== 'stripe') return { ok: false, message: t('errPageExpired'), attemptKey: randomUUID() };
    const refused = missingScope(input, t);
    if (refused) return { ok: false, message: refused.message, fieldErrors: refused.fieldErrors };
    const authorize = input.authorize === 'yes' ? authorizationFromForm(input) : null;
    const result = await saveCard(getDb(), ctx, { attemptKey: input.attemptKey, token: input.token, authorize }, await returnUrl());
    revalidatePath('/portal/billing/cards');
    if (result.status === 'succeeded') return { ok: true, status: 'succeeded', next: `/portal/billing/cards?done=${authorize ? 'saved-authorized' : 'saved'}` };
    // After Stripe's check the browser asks refreshCardSetupCall (the webhook saves the card too).
    if (result.status === 'requires_action' && result.clientSecret) {
      return { ok: true, status: 'requires_action', clientSecret: result.clientSecret, setupId: result.setupId, next: '/portal/billing/cards?done=pending' };
    }
    if (result.status === 'pending' || result.status === 'requires_action') return { ok: true, status: 'pending', next: '/portal/billing/cards?done=pending' };
    const words = result.failureMessage ? billingLibMessage(toLocale(ctx.account.language), result.failureMessage) : t('declineDefault');
    return { ok: false, message: words, attemptKey: randomUUID() };
  },
);

/**
 * The test gateway's simulated bank check of a card being saved: Approve saves it, Fail does not
 * (the check's page then says why). Another patient's setup answers "no longer available".
 */
export const authenticateCardSetupAction = portalAction(
  { area: 'billing', ...spec, schema: authenticateCardSetupSchema },
  async (ctx, { setupId, decision, authorize }): Promise<CardFormState> => {
    const result = await authenticateTestCardSetup(getDb(), ctx, setupId, decision === 'approve');
    revalidatePath('/portal/billing/cards');
    redirect(afterCardCheck(result, authorize === '1'));
  },
);

/** After Stripe's bank check of a card in the browser: where the setup stands now, asked of Stripe. */
export const refreshCardSetupCall = portalCall(
  { area: 'billing', ...spec, schema: cardSetupIdSchema },
  async (ctx, { setupId, authorize }, { t }): Promise<TokenCallResult> => {
    const result = await refreshCardSetup(getDb(), ctx, setupId);
    revalidatePath('/portal/billing/cards');
    if (result.status === 'failed') {
      const words = result.failureMessage ? billingLibMessage(toLocale(ctx.account.language), result.failureMessage) : t('declineDefault');
      return { ok: false, message: words, attemptKey: randomUUID() };
    }
    if (result.status === 'succeeded') return { ok: true, status: 'succeeded', next: afterCardCheck(result, authorize === '1') };
    return { ok: true, status: 'pending', next: '/portal/billing/cards?done=pending' };
  },
);

export const makeDefaultCardAction = portalAction(
  { area: 'billing', ...spec, messages: { ...messages, notFound: 'errCardNotFound', invalid: 'errCardNotFound' }, schema: cardIdSchema },
  async (ctx, { cardId }): Promise<CardFormState> => {
    await setDefaultCard(getDb(), ctx, cardId);
    revalidatePath('/portal/billing/cards');
    redirect('/portal/billing/cards?done=default');
  },
);

export const removeCardAction = portalAction(
  { area: 'billing', ...spec, messages: { ...messages, notFound: 'errCardNotFound', invalid: 'errCardNotFound' }, schema: cardIdSchema },
  async (ctx, { cardId }): Promise<CardFormState> => {
    await removeCard(getDb(), ctx, cardId);
    revalidatePath('/portal/billing/cards');
    redirect('/portal/billing/cards?done=removed');
  },
);

export const revokeAuthorizationAction = portalAction(
  { area: 'billing', ...spec, messages: { ...messages, notFound: 'errCardNotFound', invalid: 'errCardNotFound' }, schema: cardIdSchema },
  async (ctx, { cardId }): Promise<CardFormState> => {
    await revokeAuthorization(getDb(), ctx, cardId);
    revalidatePath('/portal/billing/cards');
    redirect('/portal/billing/cards?done=revoked');
  },
);

/** Authorising the clinic to charge a saved card: lib records the wording's version, time, address and browser. */
export const authorizeCardAction = portalAction(
  { area: 'billing', ...spec, messages: { ...messages, notFound: 'errCardNotFound' }, schema: authorizeCardSchema, echo: ['maxAmount'] },
  async (ctx, input, { t }): Promise<CardFormState> => {
    if ((input.scope?.length ?? 0) === 0) return { ok: false, message: t('fixErrors'), fieldErrors: { scope: t('errScope') } };
    await grantAuthorization(getDb(), ctx, input.cardId, authorizationFromForm(input));
    revalidatePath('/portal/billing/cards');
    redirect('/portal/billing/cards?done=authorized');
  },
);
