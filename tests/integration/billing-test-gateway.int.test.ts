import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { billingSettings, testGatewayObjects } from '@/db/schema';
import { gatewayFor, PaymentsUnavailableError } from '@/lib/billing/gateway';
import { completeTestAuthentication, createTestGateway, TestCardError, tokenizeTestCard } from '@/lib/billing/gateway/test-gateway';
import type { GatewayAccount } from '@/lib/billing/gateway/types';
import { setClockForTests } from '@/lib/clock';
import { createTestTenant } from '../support/factories';

const db = () => getDb();
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const ids = { carebridge_payment_id: '0b6f3c0e-1d2a-4e5f-8a9b-0c1d2e3f4a5b' };

async function clinic() {
  const tenant = await createTestTenant();
  const account: GatewayAccount = { tenantId: tenant.id, stripeAccountId: null };
  const card = async (number: string, expYear = 2030) => (await tokenizeTestCard(db(), tenant.id, { number, expMonth: 12, expYear, cvc: '123' })).token;
  return { tenant, account, gateway: createTestGateway(db()), card };
}

async function objects(tenantId: string, kind: 'payment' | 'setup' | 'refund' | 'customer' | 'card') {
  return db().select().from(testGatewayObjects).where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, kind)));
}

afterEach(() => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
});

describe('tokenising a test card', () => {
  it('takes only the documented numbers and stores no card number', async () => {
    const w = await clinic();
    const { token } = await tokenizeTestCard(db(), w.tenant.id, { number: '4242 4242 4242 4242', expMonth: 4, expYear: 31, cvc: '123' });
    expect(token).toMatch(/^test_pm_[0-9a-f]{24}$/);
    const [stored] = await objects(w.tenant.id, 'card');
    expect(JSON.parse(stored!.data)).toEqual({ brand: 'visa', last4: '4242', expMonth: 4, expYear: 2031, outcome: 'success', customerRef: null });
    expect(stored!.data).not.toContain('424242424242');

    const unknown = await refusal(tokenizeTestCard(db(), w.tenant.id, { number: '4111 1111 1111 1111', expMonth: 4, expYear: 2031, cvc: '123' }));
    expect(unknown).toBeInstanceOf(TestCardError);
    expect(unknown).toMatchObject({ code: 'test-card-unknown', userMessage: 'Use one of the test card numbers listed on this page.', fieldErrors: { number: 'Use one of the test card numbers listed on this page.' } });
  });

  it('refuses an expiry date that has passed, a bad month and a missing security code', async () => {
    const w = await clinic();
    setClockForTests(() => new Date('2027-03-15T12:00:00Z'));
    const expired = await refusal(tokenizeTestCard(db(), w.tenant.id, { number: '4242424242424242', expMonth: 2, expYear: 2027, cvc: '123' }));
    expect(expired).toMatchObject({ code: 'test-card-expired', userMessage: "The card's expiry date has passed." });
    // Good through the last day of its month.
    await expect(tokenizeTestCard(db(), w.tenant.id, { number: '4242424242424242', expMonth: 3, expYear: 2027, cvc: '123' })).resolves.toHaveProperty('token');
    expect(await refusal(tokenizeTestCard(db(), w.tenant.id, { number: '4242424242424242', expMonth: 13, expYear: 2030, cvc: '123' }))).toMatchObject({ code: 'test-card-expiry-invalid' });
    expect(await refusal(tokenizeTestCard(db(), w.tenant.id, { number: '4242424242424242', expMonth: 1, expYear: 2030, cvc: '1' }))).toMatchObject({ code: 'test-card-cvc' });
    expect(await objects(w.tenant.id, 'card')).toHaveLength(1);
  });
});

describe('payments', () => {
  it('each test card gives its documented outcome when the patient pays', async () => {
    const w = await clinic();
    const pay = async (number: string, key: string) =>
      w.gateway.createPayment(w.account, { amount: 5_000, currency: 'USD', idempotencyKey: key, source: { kind: 'token', token: await w.card(number) }, metadata: ids });

    expect(await pay('4242424242424242', 'k-visa')).toMatchObject({ status: 'succeeded', card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 }, failure: null, clientSecret: null });
    expect(await pay('5555555555554444', 'k-mc')).toMatchObject({ status: 'succeeded', card: { brand: 'mastercard', last4: '4444' } });
    expect(await pay('4000000000000002', 'k-declined')).toMatchObject({ status: 'failed', failure: { code: 'card_declined', message: 'The card was declined by the bank. Try another card.' } });
    expect(await pay('4000000000009995', 'k-poor')).toMatchObject({ status: 'failed', failure: { code: 'insufficient_funds', message: 'The card was declined for insufficient funds. Try another card.' } });
    expect(await pay('4000000000000341', 'k-341')).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });
    const threeDs = await pay('4000002500003155', 'k-3ds');
    expect(threeDs).toMatchObject({ status: 'requires_action', failure: null });
    expect(threeDs.clientSecret).toMatch(/^test_secret_/);
    expect(threeDs.ref).toMatch(/^test_pi_/);
    expect(await objects(w.tenant.id, 'payment')).toHaveLength(6);
  });

  it('the same idempotency key returns the same payment, never a second one, even at the same moment', async () => {
    const w = await clinic();
    const token = await w.card('4242424242424242');
    const input = { amount: 12_500, currency: 'USD', idempotencyKey: 'attempt-1', source: { kind: 'token' as const, token }, metadata: ids };
    const results = await Promise.all(Array.from({ length: 8 }, () => w.gateway.createPayment(w.account, input)));
    expect(new Set(results.map((r) => r.ref)).size).toBe(1);
    expect(results.every((r) => r.status === 'succeeded')).toBe(true);
    const again = await w.gateway.createPayment(w.account, input);
    expect(again.ref).toBe(results[0]!.ref);
    const stored = await objects(w.tenant.id, 'payment');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ amount: 12_500, status: 'succeeded', idempotencyKey: 'attempt-1' });
    // A declined attempt replayed is the same decline.
    const declined = { ...input, idempotencyKey: 'attempt-2', source: { kind: 'token' as const, token: await w.card('4000000000000002') } };
    const first = await w.gateway.createPayment(w.account, declined);
    expect(await w.gateway.createPayment(w.account, declined)).toEqual(first);
    expect(await objects(w.tenant.id, 'payment')).toHaveLength(2);
  });

  it('keys and objects are per clinic: another clinic neither sees nor shares them', async () => {
    const a = await clinic();
    const b = await clinic();
    const token = await a.card('4242424242424242');
    const paid = await a.gateway.createPayment(a.account, { amount: 1_000, currency: 'USD', idempotencyKey: 'same-key', source: { kind: 'token', token }, metadata: ids });
    // Clinic B cannot use A's card token, and its own payment under the same key is its own.
    const other = await b.gateway.createPayment(b.account, { amount: 1_000, currency: 'USD', idempotencyKey: 'same-key', source: { kind: 'token', token }, metadata: ids });
    expect(other.ref).not.toBe(paid.ref);
    expect(other).toMatchObject({ status: 'failed', failure: { code: 'payment_method_unusable' } });
    expect(await refusal(b.gateway.retrievePayment(b.account, paid.ref))).toMatchObject({ name: 'NotFoundError' });
    expect(await refusal(completeTestAuthentication(db(), b.tenant.id, paid.ref, true))).toMatchObject({ name: 'NotFoundError' });
  });

  it('the simulated bank check: approved succeeds, failed fails with authentication_failed, and asking again answers the same', async () => {
    const w = await clinic();
    const start = async (key: string) => w.gateway.createPayment(w.account, { amount: 7_000, currency: 'USD', idempotencyKey: key, source: { kind: 'token', token: await w.card('4000002500003155') }, metadata: ids });

    const approved = await start('k-approve');
    const done = await completeTestAuthentication(db(), w.tenant.id, approved.ref, true);
    expect(done).toEqual({ kind: 'payment', result: expect.objectContaining({ ref: approved.ref, status: 'succeeded', failure: null, clientSecret: null }) });
    expect(await w.gateway.retrievePayment(w.account, approved.ref)).toMatchObject({ status: 'succeeded' });
    // A second answer (the other tab) does not change a finished check.
    expect((await completeTestAuthentication(db(), w.tenant.id, approved.ref, false)).result.status).toBe('succeeded');

    const failed = await start('k-fail');
    const refused = await completeTestAuthentication(db(), w.tenant.id, failed.ref, false);
    expect(refused.result).toMatchObject({ status: 'failed', failure: { code: 'authentication_failed', message: "The bank's check was not completed. Try again, or use another card." } });
    expect((await completeTestAuthentication(db(), w.tenant.id, failed.ref, true)).result.status).toBe('failed');
  });

  it('saved cards: charged off-session without the bank check; 0341 saves fine but every charge is declined', async () => {
    const w = await clinic();
    const { customerRef } = await w.gateway.createCustomer(w.account, { idempotencyKey: 'customer-1', metadata: { carebridge_patient_id: ids.carebridge_payment_id } });
    expect((await w.gateway.createCustomer(w.account, { idempotencyKey: 'customer-1', metadata: { carebridge_patient_id: ids.carebridge_payment_id } })).customerRef).toBe(customerRef);
    const save = async (number: string, key: string) => w.gateway.createSetup(w.account, { customerRef, token: await w.card(number), idempotencyKey: key, metadata: { carebridge_setup_id: ids.carebridge_payment_id } });
    const charge = (paymentMethodRef: string, key: string) =>
      w.gateway.createPayment(w.account, { amount: 2_500, currency: 'USD', idempotencyKey: key, source: { kind: 'saved', customerRef, paymentMethodRef }, metadata: ids });

    const visa = await save('4242424242424242', 's-visa');
    expect(visa).toMatchObject({ status: 'succeeded', card: { brand: 'visa', last4: '4242' }, failure: null });
    expect(await charge(visa.paymentMethodRef!, 'c-visa')).toMatchObject({ status: 'succeeded' });

    const threeDs = await save('4000002500003155', 's-3ds');
    expect(threeDs.status).toBe('requires_action');
    // Not saved until the check is done: a charge now is refused.
    expect(await charge(threeDs.paymentMethodRef!, 'c-3ds-early')).toMatchObject({ status: 'failed', failure: { code: 'payment_method_unusable' } });
    expect((await completeTestAuthentication(db(), w.tenant.id, threeDs.ref, true))).toMatchObject({ kind: 'setup', result: { status: 'succeeded' } });
    expect(await w.gateway.retrieveSetup(w.account, threeDs.ref)).toMatchObject({ status: 'succeeded' });
    expect(await charge(threeDs.paymentMethodRef!, 'c-3ds')).toMatchObject({ status: 'succeeded', clientSecret: null });

    const always = await save('4000000000000341', 's-341');
    expect(always.status).toBe('succeeded');
    expect(await charge(always.paymentMethodRef!, 'c-341')).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });

    expect(await save('4000000000000002', 's-declined')).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });
    expect((await save('4000000000009995', 's-poor')).status).toBe('succeeded');

    // Detached: the clinic can no longer charge it (twice is fine).
    await w.gateway.detachCard(w.account, visa.paymentMethodRef!);
    await w.gateway.detachCard(w.account, visa.paymentMethodRef!);
    expect(await charge(visa.paymentMethodRef!, 'c-visa-after')).toMatchObject({ status: 'failed', failure: { code: 'payment_method_unusable' } });
  });

  it('a saved card that has expired since is declined as expired', async () => {
    const w = await clinic();
    setClockForTests(() => new Date('2029-06-01T00:00:00Z'));
    const { customerRef } = await w.gateway.createCustomer(w.account, { idempotencyKey: 'c', metadata: { carebridge_patient_id: ids.carebridge_payment_id } });
    const setup = await w.gateway.createSetup(w.account, { customerRef, token: await w.card('4242424242424242', 2029), idempotencyKey: 's', metadata: { carebridge_setup_id: ids.carebridge_payment_id } });
    setClockForTests(() => new Date('2030-01-02T00:00:00Z'));
    const result = await w.gateway.createPayment(w.account, { amount: 100, currency: 'USD', idempotencyKey: 'p', source: { kind: 'saved', customerRef, paymentMethodRef: setup.paymentMethodRef! }, metadata: ids });
    expect(result).toMatchObject({ status: 'failed', failure: { code: 'expired_card', message: 'The card has expired. Try another card.' } });
  });
});

describe('refunds', () => {
  it('never more than the payment less earlier refunds; the same key returns the same refund', async () => {
    const w = await clinic();
    const paid = await w.gateway.createPayment(w.account, { amount: 10_000, currency: 'USD', idempotencyKey: 'p', source: { kind: 'token', token: await w.card('4242424242424242') }, metadata: ids });
    const refund = (amount: number, key: string) => w.gateway.refund(w.account, { paymentRef: paid.ref, amount, idempotencyKey: key, metadata: { carebridge_refund_id: ids.carebridge_payment_id } });

    const first = await refund(6_000, 'r1');
    expect(first).toMatchObject({ status: 'succeeded', failure: null });
    expect(first.ref).toMatch(/^test_re_/);
    expect(await refund(6_000, 'r1')).toEqual(first);

    expect(await refund(4_001, 'r2')).toMatchObject({ status: 'failed', failure: { code: 'amount_too_large', message: 'The refund is more than what is left of the payment to refund.' } });
    expect(await refund(4_000, 'r3')).toMatchObject({ status: 'succeeded' });
    expect(await refund(1, 'r4')).toMatchObject({ status: 'failed', failure: { code: 'charge_already_refunded' } });
    const stored = await objects(w.tenant.id, 'refund');
    expect(stored.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount!, 0)).toBe(10_000);
  });

  it('ten refunds of 2,000 at once from a 10,000 payment: exactly five go through', async () => {
    const w = await clinic();
    const paid = await w.gateway.createPayment(w.account, { amount: 10_000, currency: 'USD', idempotencyKey: 'p', source: { kind: 'token', token: await w.card('4242424242424242') }, metadata: ids });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      w.gateway.refund(w.account, { paymentRef: paid.ref, amount: 2_000, idempotencyKey: `r${i}`, metadata: { carebridge_refund_id: ids.carebridge_payment_id } })));
    expect(results.filter((r) => r.status === 'succeeded')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'failed')).toHaveLength(5);
  });

  it('a payment that did not go through cannot be refunded', async () => {
    const w = await clinic();
    const declined = await w.gateway.createPayment(w.account, { amount: 1_000, currency: 'USD', idempotencyKey: 'p', source: { kind: 'token', token: await w.card('4000000000000002') }, metadata: ids });
    expect(await w.gateway.refund(w.account, { paymentRef: declined.ref, amount: 1_000, idempotencyKey: 'r', metadata: { carebridge_refund_id: ids.carebridge_payment_id } }))
      .toMatchObject({ status: 'failed', failure: { code: 'charge_not_succeeded' } });
  });
});

describe('gatewayFor', () => {
  async function withSettings(values: Partial<typeof billingSettings.$inferInsert>) {
    const tenant = await createTestTenant();
    await db().insert(billingSettings).values({ tenantId: tenant.id, ...values });
    return tenant.id;
  }

  it('gives the test gateway when payments are on, and refuses when they are off or never set', async () => {
    const on = await withSettings({ paymentsEnabled: true, gateway: 'test' });
    expect(await gatewayFor(db(), on)).toMatchObject({ kind: 'test', account: { tenantId: on, stripeAccountId: null } });

    const off = await withSettings({ paymentsEnabled: false });
    const refused = await refusal(gatewayFor(db(), off));
    expect(refused).toBeInstanceOf(PaymentsUnavailableError);
    expect(refused).toMatchObject({ code: 'payments-off', userMessage: 'This clinic does not take card payments online.' });
    // Money already moving (a refund, the reconciliation) is still settled.
    expect((await gatewayFor(db(), off, { settling: true })).kind).toBe('test');

    const never = (await createTestTenant()).id;
    expect(await refusal(gatewayFor(db(), never))).toMatchObject({ code: 'payments-off' });
  });

  it('refuses the test gateway in production', async () => {
    const tenantId = await withSettings({ paymentsEnabled: true, gateway: 'test' });
    vi.stubEnv('NODE_ENV', 'production');
    expect(await refusal(gatewayFor(db(), tenantId))).toMatchObject({ code: 'payments-not-set-up', userMessage: 'Payments are not set up yet.' });
    expect(await refusal(gatewayFor(db(), tenantId, { settling: true }))).toMatchObject({ code: 'payments-not-set-up' });
    // Its own entry points refuse too, whoever calls them.
    expect(() => createTestGateway(db())).toThrow('refused in production');
    expect(await refusal(tokenizeTestCard(db(), tenantId, { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' }))).toMatchObject({ name: 'ConfigurationError' });
    expect(await refusal(completeTestAuthentication(db(), tenantId, 'test_pi_x', true))).toMatchObject({ name: 'ConfigurationError' });
  });

  it('Stripe needs the platform key, a connected account, and charges enabled', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', '');
    const ready = await withSettings({ paymentsEnabled: true, gateway: 'stripe', stripeAccountId: 'acct_ready', stripeChargesEnabled: true });
    expect(await refusal(gatewayFor(db(), ready))).toMatchObject({ code: 'payments-not-set-up' });

    vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_abc');
    expect(await gatewayFor(db(), ready)).toMatchObject({ kind: 'stripe', account: { tenantId: ready, stripeAccountId: 'acct_ready' } });

    const unconnected = await withSettings({ paymentsEnabled: true, gateway: 'stripe' });
    expect(await refusal(gatewayFor(db(), unconnected))).toMatchObject({ code: 'stripe-not-connected' });

    const restricted = await withSettings({ paymentsEnabled: true, gateway: 'stripe', stripeAccountId: 'acct_restricted', stripeChargesEnabled: false });
    expect(await refusal(gatewayFor(db(), restricted))).toMatchObject({ code: 'stripe-charges-disabled' });
    expect((await gatewayFor(db(), restricted, { settling: true })).kind).toBe('stripe');
  });
});
