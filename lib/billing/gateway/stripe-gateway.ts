import 'server-only';
import Stripe from 'stripe';
import { ConfigurationError } from '@/lib/config/env';
import { declineMessage, refundFailureMessage } from '../decline-messages';
import {
  GatewayUnavailableError,
  type CardSummary, type CreatePaymentInput, type CreateSetupInput, type GatewayAccount, type GatewayPaymentResult,
  type GatewayRefundResult, type GatewaySetupResult, type PaymentGateway,
} from './types';

/**
 * The Stripe adapter (Stripe Connect: each clinic's own account is the merchant, so every call
 * about a payment names it with the Stripe-Account header). Rules kept here:
 * - every create call carries the caller's idempotency key (saved in Postgres before the first
 *   attempt), so the SDK's own retries and ours return the first object instead of a second;
 * - metadata carries Carebridge's opaque ids only, and nothing sets a description or a receipt
 *   email: no health information reaches Stripe;
 * - a decline is an answer (a failed result in plain words), not an error; only Stripe being
 *   unreachable or failing (network, 5xx, rate limit, a key it refuses) is
 *   GatewayUnavailableError, after which the same call is made again later with the same key.
 */

// Pinned to the version the pinned SDK (package.json) is typed for: a new SDK major brings a new
// API version, and this literal then fails to type-check instead of changing shapes silently.
export const STRIPE_API_VERSION = '2026-11-18.endive' as const;

let cached: { key: string; base: string; client: Stripe } | null = null;

/**
 * One Stripe client per process, from STRIPE_SECRET_KEY (rebuilt only if the environment changes,
 * which tests do). STRIPE_API_BASE points it at a local stand-in for api.stripe.com (tests only;
 * refused in production by lib/config/environment.ts).
 */
export function stripeClient(): Stripe {
  const key = process.env.STRIPE_SECRET_KEY?.trim() ?? '';
  const base = process.env.STRIPE_API_BASE?.trim() ?? '';
  if (!key) throw new ConfigurationError('STRIPE_SECRET_KEY is not set. See .env.example.');
  if (cached && cached.key === key && cached.base === base) return cached.client;
  const endpoint = base ? new URL(base) : null;
  const client = new Stripe(key, {
    apiVersion: STRIPE_API_VERSION,
    // Safe with the idempotency keys every create call carries; a page waits at most ~1 minute.
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Carebridge' },
    ...(endpoint && {
      host: endpoint.hostname,
      port: endpoint.port || (endpoint.protocol === 'http:' ? 80 : 443),
      protocol: endpoint.protocol === 'http:' ? 'http' : 'https',
    }),
  });
  cached = { key, base, client };
  return client;
}

export function isStripeConfigured(): boolean {
  return Boolean(process.env.STRIPE_SECRET_KEY?.trim());
}

// ---------------------------------------------------------------------------------------------
// Stripe objects → the gateway's results (also used by the webhook processor, lib/billing/webhooks.ts)

function summary(card: { brand: string | null; last4: string | null; exp_month: number | null; exp_year: number | null } | null | undefined): CardSummary | null {
  if (!card?.brand || !card.last4 || !card.exp_month || !card.exp_year) return null;
  return { brand: card.brand, last4: card.last4, expMonth: card.exp_month, expYear: card.exp_year };
}

/** The card of a PaymentIntent: from its latest charge, or its payment method, when expanded. */
function cardOfPaymentIntent(pi: Stripe.PaymentIntent): CardSummary | null {
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  const method = typeof pi.payment_method === 'object' ? pi.payment_method : null;
  return summary(charge?.payment_method_details?.card) ?? summary(method?.card);
}

/** A decline's code: the bank's reason (insufficient_funds) before Stripe's (card_declined). */
function failureOf(error: { decline_code?: string | null; code?: string | null } | null | undefined, fallback: string) {
  const code = error?.decline_code || error?.code || fallback;
  return { code, message: declineMessage(code) };
}

export function paymentResultFromIntent(pi: Stripe.PaymentIntent): GatewayPaymentResult {
  const card = cardOfPaymentIntent(pi);
  switch (pi.status) {
    case 'succeeded':
      return { ref: pi.id, status: 'succeeded', card, failure: null };
    case 'requires_action':
      return { ref: pi.id, status: 'requires_action', clientSecret: pi.client_secret, card, failure: null };
    case 'canceled':
      return { ref: pi.id, status: 'failed', card, failure: failureOf(null, 'canceled') };
    case 'requires_payment_method':
      // Confirmed and refused (a decline, a failed bank's check): Stripe waits for another card.
      if (pi.last_payment_error) return { ref: pi.id, status: 'failed', card, failure: failureOf(pi.last_payment_error, 'card_declined') };
      return { ref: pi.id, status: 'processing', card, failure: null };
    default:
      // processing, requires_confirmation, requires_capture: not settled either way yet.
      return { ref: pi.id, status: 'processing', card, failure: null };
  }
}

export function setupResultFromIntent(si: Stripe.SetupIntent): GatewaySetupResult {
  const method = typeof si.payment_method === 'object' ? si.payment_method : null;
  const paymentMethodRef = typeof si.payment_method === 'string' ? si.payment_method : (method?.id ?? null);
  const base = { ref: si.id, paymentMethodRef, card: summary(method?.card) };
  if (si.status === 'succeeded') return { ...base, status: 'succeeded', failure: null };
  if (si.status === 'canceled') return { ...base, status: 'failed', failure: failureOf(null, 'canceled') };
  if (si.status === 'requires_payment_method' && si.last_setup_error) return { ...base, status: 'failed', failure: failureOf(si.last_setup_error, 'card_declined') };
  // requires_action, and the states a card setup passes through on its way (never final).
  return { ...base, status: 'requires_action', clientSecret: si.client_secret, failure: null };
}

export function refundResultFromRefund(refund: Stripe.Refund): GatewayRefundResult {
  if (refund.status === 'succeeded') return { ref: refund.id, status: 'succeeded', failure: null };
  if (refund.status === 'failed' || refund.status === 'canceled') {
    const code = refund.failure_reason ?? refund.status;
    return { ref: refund.id, status: 'failed', failure: { code, message: refundFailureMessage(code) } };
  }
  return { ref: refund.id, status: 'pending', failure: null };
}

// ---------------------------------------------------------------------------------------------

/** Not a decline: Stripe could not be reached or failed. The message names the error type only. */
export function unavailable(error: unknown): GatewayUnavailableError {
  if (error instanceof Stripe.errors.StripeError) {
    return new GatewayUnavailableError(`Stripe: ${error.type}${error.statusCode ? ` ${error.statusCode}` : ''}${error.code ? ` ${error.code}` : ''}`, error);
  }
  return new GatewayUnavailableError(`Stripe: ${error instanceof Error ? error.name : 'unknown error'}`, error);
}

/** A card error, or a refused request that still made a PaymentIntent or SetupIntent: an answer. */
function isRefusal(error: unknown): error is Stripe.errors.StripeError {
  return error instanceof Stripe.errors.StripeCardError || error instanceof Stripe.errors.StripeInvalidRequestError;
}

function connected(account: GatewayAccount): string {
  if (!account.stripeAccountId) throw new ConfigurationError('This clinic has no connected Stripe account.');
  return account.stripeAccountId;
}

const EXPAND_PAYMENT = ['latest_charge', 'payment_method'];
// A search's results are expanded under data.
const EXPAND_SEARCH = EXPAND_PAYMENT.map((path) => `data.${path}`);

export function createStripeGateway(client: () => Stripe = stripeClient): PaymentGateway {
  return {
    kind: 'stripe',

    async createPayment(account, input: CreatePaymentInput) {
      const stripeAccount = connected(account);
      const params: Stripe.PaymentIntentCreateParams = {
        amount: input.amount,
        currency: input.currency.toLowerCase(),
        confirm: true,
        metadata: { carebridge_payment_id: input.metadata.carebridge_payment_id },
        // Cards only, confirmed here, with the bank's check (3-D Secure) shown by Stripe.js on
        // the portal's own page (handleNextAction with the client secret) instead of a
        // return_url redirect: the patient never leaves the payment page, so the page that
        // started the payment also finishes it, and payment methods that can only work by
        // redirecting away are not offered. input.returnUrl is therefore not sent.
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        expand: EXPAND_PAYMENT,
        ...(input.source.kind === 'token'
          ? { payment_method: input.source.token }
          : { customer: input.source.customerRef, payment_method: input.source.paymentMethodRef, off_session: true }),
      };
      try {
        const pi = await client().paymentIntents.create(params, { idempotencyKey: input.idempotencyKey, stripeAccount });
        return paymentResultFromIntent(pi);
      } catch (error) {
        if (!isRefusal(error)) throw unavailable(error);
        // Stripe sends the PaymentIntent with every refusal of a confirm; a request refused
        // before one was made (an unusable payment method) has no provider ref: ''.
        const pi = error.payment_intent;
        return { ref: pi?.id ?? '', status: 'failed', card: pi ? cardOfPaymentIntent(pi) : null, failure: failureOf(error, 'card_declined') };
      }
    },

    async retrievePayment(account, ref) {
      try {
        return paymentResultFromIntent(await client().paymentIntents.retrieve(ref, { expand: EXPAND_PAYMENT }, { stripeAccount: connected(account) }));
      } catch (error) {
        throw unavailable(error);
      }
    },

    async findPayment(account, carebridgePaymentId) {
      // The id is a UUID we made (checked: it goes inside the search query's quotes).
      if (!/^[0-9a-f-]{36}$/i.test(carebridgePaymentId)) return null;
      try {
        const found = await client().paymentIntents.search(
          { query: `metadata['carebridge_payment_id']:'${carebridgePaymentId}'`, limit: 1, expand: EXPAND_SEARCH },
          { stripeAccount: connected(account) },
        );
        const intent = found.data[0];
        return intent ? paymentResultFromIntent(intent) : null;
      } catch (error) {
        throw unavailable(error);
      }
    },

    async createCustomer(account, input) {
      try {
        const customer = await client().customers.create(
          { metadata: { carebridge_patient_id: input.metadata.carebridge_patient_id } },
          { idempotencyKey: input.idempotencyKey, stripeAccount: connected(account) },
        );
        return { customerRef: customer.id };
      } catch (error) {
        throw unavailable(error);
      }
    },

    async createSetup(account, input: CreateSetupInput) {
      const stripeAccount = connected(account);
      try {
        const si = await client().setupIntents.create(
          {
            customer: input.customerRef,
            payment_method: input.token,
            confirm: true,
            usage: 'off_session',
            metadata: { carebridge_setup_id: input.metadata.carebridge_setup_id },
            // As for payments: the bank's check happens on the portal's page, never a redirect.
            automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
            expand: ['payment_method'],
          },
          { idempotencyKey: input.idempotencyKey, stripeAccount },
        );
        return setupResultFromIntent(si);
      } catch (error) {
        if (!isRefusal(error)) throw unavailable(error);
        const si = error.setup_intent;
        return { ref: si?.id ?? '', status: 'failed', paymentMethodRef: input.token, card: null, failure: failureOf(error, 'card_declined') };
      }
    },

    async retrieveSetup(account, ref) {
      try {
        return setupResultFromIntent(await client().setupIntents.retrieve(ref, { expand: ['payment_method'] }, { stripeAccount: connected(account) }));
      } catch (error) {
        throw unavailable(error);
      }
    },

    async detachCard(account, paymentMethodRef) {
      try {
        await client().paymentMethods.detach(paymentMethodRef, {}, { stripeAccount: connected(account) });
      } catch (error) {
        // Already detached or gone (a retried removal): the card is forgotten either way.
        if (error instanceof Stripe.errors.StripeInvalidRequestError) return;
        throw unavailable(error);
      }
    },

    async refund(account, input) {
      const stripeAccount = connected(account);
      try {
        const refund = await client().refunds.create(
          { payment_intent: input.paymentRef, amount: input.amount, metadata: { carebridge_refund_id: input.metadata.carebridge_refund_id } },
          { idempotencyKey: input.idempotencyKey, stripeAccount },
        );
        return refundResultFromRefund(refund);
      } catch (error) {
        // More than is left, already refunded, disputed: Stripe refuses the request and makes no refund.
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          const code = error.code ?? 'refund_refused';
          return { ref: '', status: 'failed', failure: { code, message: refundFailureMessage(code) } };
        }
        throw unavailable(error);
      }
    },
  };
}
