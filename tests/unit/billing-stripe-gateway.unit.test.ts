import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConnectedAccount, createOnboardingLink, retrieveConnectedAccount, StripeConnectError } from '@/lib/billing/gateway/stripe-connect';
import {
  createStripeGateway, paymentResultFromIntent, refundResultFromRefund, setupResultFromIntent, STRIPE_API_VERSION,
} from '@/lib/billing/gateway/stripe-gateway';
import { GatewayUnavailableError, type GatewayAccount } from '@/lib/billing/gateway/types';
import { environmentProblems } from '@/lib/config/environment';
import type Stripe from 'stripe';

/**
 * The Stripe adapter against a loopback server standing in for api.stripe.com: the real SDK makes
 * the requests, the server records each (method, path, form body, headers) and answers with the
 * JSON Stripe would send.
 */

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  form: Record<string, string>;
}

type Reply = { status?: number; body: unknown; headers?: Record<string, string> };

let server: http.Server;
let requests: Recorded[] = [];
let replies: ((r: Recorded) => Reply)[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: Recorded = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        form: Object.fromEntries(new URLSearchParams(body)),
      };
      requests.push(recorded);
      const next = replies.shift() ?? ((): Reply => ({ status: 500, body: { error: { type: 'api_error', message: 'no reply queued' } } }));
      const reply = next(recorded);
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', 'Request-Id': `req_${requests.length}`, ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_loopback');
  vi.stubEnv('STRIPE_API_BASE', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  replies = [];
});

const reply = (body: unknown, status = 200, headers?: Record<string, string>) => replies.push(() => ({ status, body, headers }));

const account: GatewayAccount = { tenantId: '6f1f3a52-0a3e-4c61-9d7e-7b1c2b0f0a11', stripeAccountId: 'acct_1ClinicSunrise' };
const paymentId = 'a3c1e2d4-5b6f-4a7b-8c9d-0e1f2a3b4c5d';
const gateway = createStripeGateway();

function intent(overrides: Record<string, unknown> = {}) {
  return {
    id: 'pi_3Test', object: 'payment_intent', amount: 12_500, currency: 'usd', status: 'succeeded', client_secret: 'pi_3Test_secret_abc',
    metadata: { carebridge_payment_id: paymentId }, last_payment_error: null, next_action: null, payment_method: 'pm_1Visa',
    latest_charge: {
      id: 'ch_3Test', object: 'charge', amount: 12_500, status: 'succeeded',
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, funding: 'credit' } },
    },
    ...overrides,
  };
}

function onlyOpaqueIds(r: Recorded) {
  // Nothing but Carebridge's opaque ids in metadata, and no free text Stripe would show anywhere.
  const keys = Object.keys(r.form);
  for (const k of keys.filter((k) => k.startsWith('metadata['))) expect(k).toMatch(/^metadata\[carebridge_(payment|setup|refund|patient|tenant)_id\]$/);
  for (const [k, v] of Object.entries(r.form)) if (k.startsWith('metadata[')) expect(v).toMatch(/^[0-9a-f-]{36}$/);
  expect(keys).not.toContain('description');
  expect(keys).not.toContain('receipt_email');
  expect(keys).not.toContain('statement_descriptor');
}

describe('payments (PaymentIntents)', () => {
  it('pays with a token from the Payment Element: the request, its idempotency key and connected account, and the mapping', async () => {
    reply(intent());
    const result = await gateway.createPayment(account, {
      amount: 12_500, currency: 'USD', idempotencyKey: 'pay:attempt-1', source: { kind: 'token', token: 'pm_1Visa' }, metadata: { carebridge_payment_id: paymentId },
      returnUrl: 'https://sunrise.example/portal/billing',
    });
    expect(result).toEqual({ ref: 'pi_3Test', status: 'succeeded', card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 }, failure: null });
    expect(requests).toHaveLength(1);
    const [r] = requests as [Recorded];
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/v1/payment_intents');
    expect(r.headers['idempotency-key']).toBe('pay:attempt-1');
    expect(r.headers['stripe-account']).toBe('acct_1ClinicSunrise');
    expect(r.headers['stripe-version']).toBe(STRIPE_API_VERSION);
    expect(r.headers.authorization).toBe('Bearer sk_test_loopback');
    expect(r.form).toEqual({
      amount: '12500',
      currency: 'usd',
      confirm: 'true',
      payment_method: 'pm_1Visa',
      'metadata[carebridge_payment_id]': paymentId,
      'automatic_payment_methods[enabled]': 'true',
      'automatic_payment_methods[allow_redirects]': 'never',
      'expand[0]': 'latest_charge',
      'expand[1]': 'payment_method',
    });
    onlyOpaqueIds(r);
  });

  it('charges a saved card off-session with its customer', async () => {
    reply(intent({ payment_method: { id: 'pm_1Saved', object: 'payment_method', card: { brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: 2031 } }, latest_charge: 'ch_1' }));
    const result = await gateway.createPayment(account, {
      amount: 4_000, currency: 'usd', idempotencyKey: 'charge:k2', source: { kind: 'saved', customerRef: 'cus_1Maria', paymentMethodRef: 'pm_1Saved' }, metadata: { carebridge_payment_id: paymentId },
    });
    expect(result.card).toEqual({ brand: 'mastercard', last4: '4444', expMonth: 3, expYear: 2031 });
    const [r] = requests as [Recorded];
    expect(r.form).toMatchObject({ amount: '4000', currency: 'usd', confirm: 'true', customer: 'cus_1Maria', payment_method: 'pm_1Saved', off_session: 'true', 'metadata[carebridge_payment_id]': paymentId });
    expect(r.headers['idempotency-key']).toBe('charge:k2');
    expect(r.headers['stripe-account']).toBe('acct_1ClinicSunrise');
    onlyOpaqueIds(r);
  });

  it('needs the bank’s check: requires_action with the client secret for Stripe.js', async () => {
    reply(intent({ status: 'requires_action', latest_charge: null, next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} } }));
    const result = await gateway.createPayment(account, {
      amount: 7_000, currency: 'usd', idempotencyKey: 'pay:3ds', source: { kind: 'token', token: 'pm_3ds' }, metadata: { carebridge_payment_id: paymentId },
    });
    expect(result).toMatchObject({ ref: 'pi_3Test', status: 'requires_action', clientSecret: 'pi_3Test_secret_abc', failure: null });
  });

  it('a decline (402 card_error) is an answer in plain words, with the PaymentIntent’s ref', async () => {
    reply({
      error: {
        type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.',
        payment_intent: intent({ status: 'requires_payment_method', latest_charge: null, last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } }),
      },
    }, 402);
    const result = await gateway.createPayment(account, {
      amount: 5_000, currency: 'usd', idempotencyKey: 'pay:poor', source: { kind: 'token', token: 'pm_poor' }, metadata: { carebridge_payment_id: paymentId },
    });
    expect(result).toEqual({
      ref: 'pi_3Test', status: 'failed', card: null,
      failure: { code: 'insufficient_funds', message: 'The card was declined for insufficient funds. Try another card.' },
    });
    // A decline is not retried: the same request would be declined again.
    expect(requests).toHaveLength(1);
  });

  it('an off-session charge the bank wants to check fails with words for staff and patient', async () => {
    reply({ error: { type: 'card_error', code: 'authentication_required', message: 'This payment requires authentication.', payment_intent: intent({ status: 'requires_payment_method', latest_charge: null }) } }, 402);
    const result = await gateway.createPayment(account, {
      amount: 2_500, currency: 'usd', idempotencyKey: 'charge:auth', source: { kind: 'saved', customerRef: 'cus_1', paymentMethodRef: 'pm_1' }, metadata: { carebridge_payment_id: paymentId },
    });
    expect(result.failure).toEqual({ code: 'authentication_required', message: "The bank's check was not completed. Try again, or use another card." });
  });

  it('a 500 is retried with the same idempotency key, then answers GatewayUnavailableError', async () => {
    for (let i = 0; i < 3; i++) reply({ error: { type: 'api_error', message: 'Something went wrong.' } }, 500);
    const error = await gateway.createPayment(account, {
      amount: 1_000, currency: 'usd', idempotencyKey: 'pay:outage', source: { kind: 'token', token: 'pm_1' }, metadata: { carebridge_payment_id: paymentId },
    }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayUnavailableError);
    expect((error as Error).message).toBe('Stripe: StripeAPIError 500');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['pay:outage']));
  });

  it('a 500 then success: the retry with the same key gets the one payment', async () => {
    reply({ error: { type: 'api_error', message: 'Something went wrong.' } }, 500);
    reply(intent());
    const result = await gateway.createPayment(account, {
      amount: 12_500, currency: 'usd', idempotencyKey: 'pay:flaky', source: { kind: 'token', token: 'pm_1' }, metadata: { carebridge_payment_id: paymentId },
    });
    expect(result.status).toBe('succeeded');
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['pay:flaky', 'pay:flaky']);
  });

  it('a rate limit Stripe says not to retry is GatewayUnavailableError at once', async () => {
    reply({ error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests.' } }, 429, { 'Stripe-Should-Retry': 'false' });
    const error = await gateway.retrievePayment(account, 'pi_3Test').then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayUnavailableError);
    expect(requests).toHaveLength(1);
  });

  it('retrieves a payment on the connected account, expanded for the card', async () => {
    reply(intent({ status: 'processing' }));
    const result = await gateway.retrievePayment(account, 'pi_3Test');
    expect(result).toMatchObject({ ref: 'pi_3Test', status: 'processing' });
    const [r] = requests as [Recorded];
    expect(r.method).toBe('GET');
    expect(r.path).toBe('/v1/payment_intents/pi_3Test');
    expect(r.query).toEqual({ 'expand[0]': 'latest_charge', 'expand[1]': 'payment_method' });
    expect(r.headers['stripe-account']).toBe('acct_1ClinicSunrise');
  });

  it('refuses to call Stripe for a clinic with no connected account', async () => {
    const error = await gateway.createPayment({ tenantId: account.tenantId, stripeAccountId: null }, {
      amount: 1_000, currency: 'usd', idempotencyKey: 'x', source: { kind: 'token', token: 'pm_1' }, metadata: { carebridge_payment_id: paymentId },
    }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConfigurationError' });
    expect(requests).toHaveLength(0);
  });
});

describe('customers, saved cards and refunds', () => {
  it('makes the patient’s customer with an opaque id only', async () => {
    reply({ id: 'cus_1Maria', object: 'customer', metadata: { carebridge_patient_id: paymentId } });
    const { customerRef } = await gateway.createCustomer(account, { idempotencyKey: 'customer:t:p:stripe', metadata: { carebridge_patient_id: paymentId } });
    expect(customerRef).toBe('cus_1Maria');
    const [r] = requests as [Recorded];
    expect(r.path).toBe('/v1/customers');
    expect(r.form).toEqual({ 'metadata[carebridge_patient_id]': paymentId });
    expect(r.headers['idempotency-key']).toBe('customer:t:p:stripe');
    expect(r.headers['stripe-account']).toBe('acct_1ClinicSunrise');
    onlyOpaqueIds(r);
  });

  it('saves a card with a SetupIntent for off-session use', async () => {
    const setupId = 'b7e0c2a1-3d4f-4e5a-9b8c-7d6e5f4a3b2c';
    reply({
      id: 'seti_1', object: 'setup_intent', status: 'succeeded', client_secret: 'seti_1_secret', usage: 'off_session', metadata: { carebridge_setup_id: setupId }, last_setup_error: null,
      payment_method: { id: 'pm_1Saved', object: 'payment_method', type: 'card', card: { brand: 'visa', last4: '0341', exp_month: 8, exp_year: 2032 } },
    });
    const result = await gateway.createSetup(account, { customerRef: 'cus_1Maria', token: 'pm_1Saved', idempotencyKey: 'setup:k', metadata: { carebridge_setup_id: setupId } });
    expect(result).toEqual({ ref: 'seti_1', status: 'succeeded', paymentMethodRef: 'pm_1Saved', card: { brand: 'visa', last4: '0341', expMonth: 8, expYear: 2032 }, failure: null });
    const [r] = requests as [Recorded];
    expect(r.path).toBe('/v1/setup_intents');
    expect(r.form).toMatchObject({ customer: 'cus_1Maria', payment_method: 'pm_1Saved', confirm: 'true', usage: 'off_session', 'metadata[carebridge_setup_id]': setupId });
    expect(r.headers['idempotency-key']).toBe('setup:k');
    expect(r.headers['stripe-account']).toBe('acct_1ClinicSunrise');
    onlyOpaqueIds(r);
  });

  it('a card the bank refuses to save: failed, in words', async () => {
    reply({ error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', setup_intent: { id: 'seti_2', object: 'setup_intent', status: 'requires_payment_method' } } }, 402);
    const result = await gateway.createSetup(account, { customerRef: 'cus_1', token: 'pm_bad', idempotencyKey: 'setup:bad', metadata: { carebridge_setup_id: paymentId } });
    expect(result).toMatchObject({ ref: 'seti_2', status: 'failed', failure: { code: 'generic_decline', message: 'The card was declined by the bank. Try another card.' } });
  });

  it('forgets a card (detach), and a card already gone is fine', async () => {
    reply({ id: 'pm_1Saved', object: 'payment_method', customer: null });
    await gateway.detachCard(account, 'pm_1Saved');
    reply({ error: { type: 'invalid_request_error', code: 'payment_method_unexpected_state', message: 'The payment method you provided is not attached to a customer.' } }, 400);
    await expect(gateway.detachCard(account, 'pm_1Saved')).resolves.toBeUndefined();
    expect(requests.map((r) => [r.method, r.path, r.headers['stripe-account']])).toEqual([
      ['POST', '/v1/payment_methods/pm_1Saved/detach', 'acct_1ClinicSunrise'],
      ['POST', '/v1/payment_methods/pm_1Saved/detach', 'acct_1ClinicSunrise'],
    ]);
  });

  it('refunds part of a payment; a refund Stripe refuses is a failed answer, not an outage', async () => {
    const refundId = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
    reply({ id: 're_1', object: 'refund', amount: 2_000, status: 'succeeded', payment_intent: 'pi_3Test', metadata: { carebridge_refund_id: refundId } });
    const done = await gateway.refund(account, { paymentRef: 'pi_3Test', amount: 2_000, idempotencyKey: 'refund:k1', metadata: { carebridge_refund_id: refundId } });
    expect(done).toEqual({ ref: 're_1', status: 'succeeded', failure: null });
    const [r] = requests as [Recorded];
    expect(r.path).toBe('/v1/refunds');
    expect(r.form).toEqual({ payment_intent: 'pi_3Test', amount: '2000', 'metadata[carebridge_refund_id]': refundId });
    expect(r.headers['idempotency-key']).toBe('refund:k1');
    expect(r.headers['stripe-account']).toBe('acct_1ClinicSunrise');
    onlyOpaqueIds(r);

    reply({ error: { type: 'invalid_request_error', code: 'charge_already_refunded', message: 'Charge ch_3Test has already been refunded.' } }, 400);
    const refused = await gateway.refund(account, { paymentRef: 'pi_3Test', amount: 20_000, idempotencyKey: 'refund:k2', metadata: { carebridge_refund_id: refundId } });
    expect(refused).toEqual({ ref: '', status: 'failed', failure: { code: 'charge_already_refunded', message: 'This payment has already been refunded in full.' } });
  });
});

describe('Stripe Connect (the platform’s own calls)', () => {
  it('creates the clinic’s account once per clinic (idempotency key), as the merchant, with no Stripe-Account', async () => {
    reply({ id: 'acct_1New', object: 'account', charges_enabled: false, details_submitted: false });
    expect(await createConnectedAccount(account.tenantId)).toEqual({ id: 'acct_1New', chargesEnabled: false });
    const [r] = requests as [Recorded];
    expect(r.path).toBe('/v1/accounts');
    expect(r.headers['idempotency-key']).toBe(`connect-account:${account.tenantId}`);
    expect(r.headers['stripe-account']).toBeUndefined();
    expect(r.form).toEqual({
      'controller[stripe_dashboard][type]': 'full',
      'controller[fees][payer]': 'account',
      'controller[losses][payments]': 'stripe',
      'controller[requirement_collection]': 'stripe',
      'metadata[carebridge_tenant_id]': account.tenantId,
    });
    onlyOpaqueIds(r);
  });

  it('makes an onboarding link and reads whether the account can take charges', async () => {
    reply({ object: 'account_link', url: 'https://connect.stripe.com/setup/s/abc', expires_at: 1_900_000_000 });
    const url = await createOnboardingLink('acct_1New', { returnUrl: 'https://sunrise.example/crm/billing?stripe=return', refreshUrl: 'https://sunrise.example/crm/billing?stripe=refresh' });
    expect(url).toBe('https://connect.stripe.com/setup/s/abc');
    expect(requests[0]!.path).toBe('/v1/account_links');
    expect(requests[0]!.form).toEqual({
      account: 'acct_1New', type: 'account_onboarding',
      return_url: 'https://sunrise.example/crm/billing?stripe=return', refresh_url: 'https://sunrise.example/crm/billing?stripe=refresh',
    });

    reply({ id: 'acct_1New', object: 'account', charges_enabled: true, details_submitted: true });
    expect(await retrieveConnectedAccount('acct_1New')).toEqual({ chargesEnabled: true, detailsSubmitted: true });
    expect(requests[1]).toMatchObject({ method: 'GET', path: '/v1/accounts/acct_1New' });
  });

  it('a Stripe failure is a refusal in words', async () => {
    reply({ error: { type: 'invalid_request_error', message: 'You can only create new accounts if you’ve signed up for Connect.' } }, 400);
    const error = await createConnectedAccount(account.tenantId).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(StripeConnectError);
    expect(error).toMatchObject({ code: 'stripe-unavailable', userMessage: 'Stripe did not answer as expected. Try again in a few minutes.' });
  });
});

describe('mapping Stripe objects (also used by the webhook processor)', () => {
  const pi = (o: Record<string, unknown>) => intent({ latest_charge: 'ch_1', payment_method: 'pm_1', ...o }) as unknown as Stripe.PaymentIntent;

  it('payment intents', () => {
    expect(paymentResultFromIntent(pi({ status: 'succeeded' }))).toEqual({ ref: 'pi_3Test', status: 'succeeded', card: null, failure: null });
    expect(paymentResultFromIntent(pi({ status: 'canceled' }))).toMatchObject({ status: 'failed', failure: { code: 'canceled' } });
    expect(paymentResultFromIntent(pi({ status: 'requires_payment_method', last_payment_error: { code: 'payment_intent_authentication_failure' } })))
      .toMatchObject({ status: 'failed', failure: { code: 'payment_intent_authentication_failure', message: "The bank's check was not completed. Try again, or use another card." } });
    expect(paymentResultFromIntent(pi({ status: 'requires_payment_method' }))).toMatchObject({ status: 'processing' });
    expect(paymentResultFromIntent(pi({ status: 'processing' }))).toMatchObject({ status: 'processing' });
    expect(paymentResultFromIntent(pi({ status: 'requires_action' }))).toMatchObject({ status: 'requires_action', clientSecret: 'pi_3Test_secret_abc' });
  });

  it('setup intents and refunds', () => {
    const si = (o: Record<string, unknown>) => ({ id: 'seti_1', object: 'setup_intent', client_secret: 's', payment_method: 'pm_1', last_setup_error: null, ...o }) as unknown as Stripe.SetupIntent;
    expect(setupResultFromIntent(si({ status: 'succeeded' }))).toEqual({ ref: 'seti_1', status: 'succeeded', paymentMethodRef: 'pm_1', card: null, failure: null });
    expect(setupResultFromIntent(si({ status: 'requires_payment_method', last_setup_error: { code: 'card_declined' } }))).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });
    expect(setupResultFromIntent(si({ status: 'requires_action' }))).toMatchObject({ status: 'requires_action', clientSecret: 's' });

    const re = (o: Record<string, unknown>) => ({ id: 're_1', object: 'refund', ...o }) as unknown as Stripe.Refund;
    expect(refundResultFromRefund(re({ status: 'succeeded' }))).toEqual({ ref: 're_1', status: 'succeeded', failure: null });
    expect(refundResultFromRefund(re({ status: 'pending' }))).toEqual({ ref: 're_1', status: 'pending', failure: null });
    expect(refundResultFromRefund(re({ status: 'failed', failure_reason: 'expired_or_canceled_card' })))
      .toMatchObject({ status: 'failed', failure: { code: 'expired_or_canceled_card' } });
  });
});

describe('the Stripe environment variables', () => {
  const problems = (env: Record<string, string>) => environmentProblems(env, ['payments']);

  it('are optional, and checked for their format', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc', NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_test_abc' })).toEqual([]);
    expect(problems({ STRIPE_SECRET_KEY: 'rk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc', NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'pk_live_abc' })).toEqual([]);
    expect(problems({ STRIPE_SECRET_KEY: 'pk_test_abc', STRIPE_WEBHOOK_SECRET: 'secret', NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'sk_test_abc' })).toEqual([
      'STRIPE_SECRET_KEY must be a Stripe secret key (sk_live_… or sk_test_…, or a restricted rk_… key).',
      "STRIPE_WEBHOOK_SECRET must be the webhook endpoint's signing secret (whsec_…).",
      'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_live_… or pk_test_…).',
    ]);
  });

  it('go together', () => {
    expect(problems({ STRIPE_SECRET_KEY: 'sk_test_abc' })).toEqual([
      'STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY (the signing secret of the /api/webhooks/stripe endpoint).',
      'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY must be set with STRIPE_SECRET_KEY (the card form in the portal needs it).',
    ]);
    expect(problems({ STRIPE_WEBHOOK_SECRET: 'whsec_abc' })).toEqual(['STRIPE_SECRET_KEY must be set with STRIPE_WEBHOOK_SECRET.']);
  });

  it('refuse a stand-in API base in production', () => {
    expect(problems({ STRIPE_API_BASE: 'http://127.0.0.1:12111' })).toEqual([]);
    expect(problems({ NODE_ENV: 'production', STRIPE_API_BASE: 'http://127.0.0.1:12111' })).toEqual([
      'STRIPE_API_BASE is for tests against a local stand-in for Stripe; unset it in production.',
    ]);
  });
});
