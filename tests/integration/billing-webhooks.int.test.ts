import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/webhooks/stripe/route';
import { getDb } from '@/db/client';
import {
  auditLog, billingSettings, cardSetups, invoiceLines, invoices, ledgerEntries, patients, paymentAllocations, paymentEvents, payments, refunds, savedCards,
} from '@/db/schema';
import { refreshStripeStatus, startStripeOnboarding, StripeConnectError } from '@/lib/billing/gateway/stripe-connect';
import { processPaymentEvents, recordPaymentEvent } from '@/lib/billing/webhooks';
import { ForbiddenError } from '@/lib/kernel/errors';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { SCHEDULED_JOBS } from '@/lib/jobs/scheduled';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

/**
 * Stripe's webhooks end to end against Postgres: the route with signatures made by the SDK's own
 * test helper, the events table (once per event id), and the processor applying events through
 * lib/billing/settle.ts — twice, late and out of order — to one correct ledger.
 */

const db = () => getDb();
const SECRET = 'whsec_test_carebridge_webhooks';
const URL = 'http://localhost/api/webhooks/stripe';

// A stand-in for api.stripe.com: the processor reads a succeeded setup back for its card, and
// Stripe Connect makes and reads the clinics' accounts.
let stripeRequests: { method: string; path: string; account: string | undefined; idempotencyKey: string | undefined }[] = [];
let nextAccountId = 'acct_new';
let server: http.Server;

function stripeAnswer(method: string, path: string): unknown {
  if (path.startsWith('/v1/setup_intents/')) {
    return {
      id: 'seti_w1', object: 'setup_intent', status: 'succeeded', client_secret: 'seti_w1_secret', last_setup_error: null, metadata: {},
      payment_method: { id: 'pm_w1', object: 'payment_method', type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 11, exp_year: 2031 } },
    };
  }
  if (method === 'POST' && path === '/v1/accounts') return { id: nextAccountId, object: 'account', charges_enabled: false, details_submitted: false };
  if (method === 'POST' && path === '/v1/account_links') return { object: 'account_link', url: `https://connect.stripe.com/setup/s/${stripeRequests.length}`, expires_at: 1_900_000_000 };
  if (method === 'GET' && path.startsWith('/v1/accounts/')) return { id: path.slice('/v1/accounts/'.length), object: 'account', charges_enabled: true, details_submitted: true };
  return { error: { type: 'invalid_request_error', message: 'unexpected request' } };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const method = req.method ?? '';
      const path = req.url ?? '';
      stripeRequests.push({ method, path, account: req.headers['stripe-account'] as string | undefined, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
      const body = stripeAnswer(method, path.split('?')[0]!);
      res.writeHead('error' in (body as object) ? 400 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
});

function stubStripe() {
  vi.stubEnv('STRIPE_WEBHOOK_SECRET', SECRET);
  vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_webhooks');
  vi.stubEnv('STRIPE_API_BASE', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

/** A clinic on Stripe with its connected account, Leo, and an open invoice of `amount` (charged to the ledger). */
async function stripeClinic(amount = 12_500) {
  const tenant = await createTestTenant();
  const acct = `acct_${randomBytes(6).toString('hex')}`;
  await db().insert(billingSettings).values({ tenantId: tenant.id, paymentsEnabled: true, gateway: 'stripe', stripeAccountId: acct, stripeChargesEnabled: true });
  const [leo] = await db().insert(patients)
    .values({ tenantId: tenant.id, recordNumber: `W-${randomBytes(3).toString('hex')}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03', email: 'leo.webhooks@example.test' })
    .returning();
  const [invoice] = await db().insert(invoices).values({
    tenantId: tenant.id, patientId: leo!.id, number: 1, status: 'open', currency: 'USD', issueDate: '2026-12-01', dueDate: '2026-12-31', subtotal: amount, total: amount, openedAt: new Date(),
  }).returning();
  await db().insert(invoiceLines).values({ tenantId: tenant.id, invoiceId: invoice!.id, position: 1, kind: 'service', description: 'Visit', quantity: 1, unitAmount: amount, subtotal: amount, taxAmount: 0, total: amount });
  await db().insert(ledgerEntries).values({ tenantId: tenant.id, patientId: leo!.id, kind: 'charge', amount, currency: 'USD', invoiceId: invoice!.id, actorKind: 'system' });
  return { tenantId: tenant.id, acct, leo: leo!, invoice: invoice! };
}

type Clinic = Awaited<ReturnType<typeof stripeClinic>>;

/** A card payment of the whole invoice, pending at Stripe (as the portal writes it before calling Stripe). */
async function pendingPayment(w: Clinic, ref = `pi_${randomBytes(6).toString('hex')}`) {
  const [payment] = await db().insert(payments).values({
    tenantId: w.tenantId, patientId: w.leo.id, method: 'card_online', status: 'pending', amount: w.invoice.total, currency: 'USD',
    idempotencyKey: randomUUID(), gateway: 'stripe', gatewayPaymentRef: ref,
  }).returning();
  await db().insert(paymentAllocations).values({ tenantId: w.tenantId, paymentId: payment!.id, invoiceId: w.invoice.id, amount: w.invoice.total });
  return payment!;
}

function event(w: Clinic, type: string, object: Record<string, unknown>, id = `evt_${randomBytes(8).toString('hex')}`) {
  return { id, object: 'event', api_version: '2026-11-18.endive', created: 1_790_000_000, livemode: false, pending_webhooks: 1, request: { id: null }, account: w.acct, type, data: { object } };
}

function intentObject(payment: { id: string; gatewayPaymentRef: string | null; amount: number }, status: string, extra: Record<string, unknown> = {}) {
  return {
    id: payment.gatewayPaymentRef, object: 'payment_intent', amount: payment.amount, currency: 'usd', status, client_secret: `${payment.gatewayPaymentRef}_secret`,
    metadata: { carebridge_payment_id: payment.id }, latest_charge: 'ch_1', payment_method: 'pm_1', last_payment_error: null, ...extra,
  };
}

const failedIntent = (payment: { id: string; gatewayPaymentRef: string | null; amount: number }) =>
  intentObject(payment, 'requires_payment_method', { last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } });

async function deliver(body: unknown, options: { secret?: string; signature?: string | null } = {}) {
  const payload = JSON.stringify(body);
  const signature = options.signature === undefined ? Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET }) : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature) headers['stripe-signature'] = signature;
  return POST(new Request(URL, { method: 'POST', headers, body: payload }));
}

async function eventsOf(tenantId: string) {
  return db().select().from(paymentEvents).where(eq(paymentEvents.tenantId, tenantId));
}

async function paymentEntries(w: Clinic) {
  return db().select().from(ledgerEntries).where(and(eq(ledgerEntries.tenantId, w.tenantId), eq(ledgerEntries.invoiceId, w.invoice.id), eq(ledgerEntries.kind, 'payment')));
}

async function paymentRow(id: string) {
  return (await db().select().from(payments).where(eq(payments.id, id)))[0]!;
}

async function invoiceStatus(w: Clinic) {
  return (await db().select({ status: invoices.status }).from(invoices).where(and(eq(invoices.tenantId, w.tenantId), eq(invoices.id, w.invoice.id))))[0]!.status;
}

describe('POST /api/webhooks/stripe', () => {
  it('refuses a bad or missing signature with 400 and says nothing more; stores nothing', async () => {
    stubStripe();
    const w = await stripeClinic();
    const payment = await pendingPayment(w);
    const body = event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded'));

    for (const options of [{ secret: 'whsec_someone_else' }, { signature: null }, { signature: 't=1,v1=deadbeef' }]) {
      const response = await deliver(body, options);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'bad request' });
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    // A signed body changed afterwards is refused too.
    const payload = JSON.stringify(body);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const tampered = await POST(new Request(URL, { method: 'POST', headers: { 'stripe-signature': signature }, body: payload.replace('"succeeded"', '"succeeded" ') }));
    expect(tampered.status).toBe(400);

    expect(await eventsOf(w.tenantId)).toHaveLength(0);
    expect((await paymentRow(payment.id)).status).toBe('pending');
  });

  it('answers 503 while the webhook secret is not configured, so Stripe keeps the event', async () => {
    vi.stubEnv('STRIPE_WEBHOOK_SECRET', '');
    const w = await stripeClinic();
    const response = await deliver(event(w, 'account.updated', { id: w.acct, object: 'account', charges_enabled: false }));
    expect(response.status).toBe(503);
  });

  it('stores an event once by its id and applies it: a replay changes nothing', async () => {
    stubStripe();
    const w = await stripeClinic();
    const payment = await pendingPayment(w);
    const body = event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded'));

    for (let i = 0; i < 3; i++) {
      const response = await deliver(body);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true });
    }
    const stored = await eventsOf(w.tenantId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ gateway: 'stripe', eventId: body.id, type: 'payment_intent.succeeded', objectRef: payment.gatewayPaymentRef, attempts: 0, lastError: null });
    expect(stored[0]!.processedAt).not.toBeNull();

    expect((await paymentRow(payment.id)).status).toBe('succeeded');
    const entries = await paymentEntries(w);
    expect(entries.map((e) => [e.amount, e.paymentId])).toEqual([[-12_500, payment.id]]);
    expect(await invoiceStatus(w)).toBe('paid');
  });

  it('two deliveries of one event at the same moment store and apply it once', async () => {
    stubStripe();
    const w = await stripeClinic();
    const payment = await pendingPayment(w);
    const body = event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded'));
    const responses = await Promise.all([deliver(body), deliver(body), deliver(body)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await eventsOf(w.tenantId)).toHaveLength(1);
    expect(await paymentEntries(w)).toHaveLength(1);
  });

  it('ignores events for an account no clinic has, and the platform’s own events (200, nothing stored)', async () => {
    stubStripe();
    const w = await stripeClinic();
    const payment = await pendingPayment(w);
    const stranger = { ...event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded')), account: 'acct_nobody_here' };
    expect((await deliver(stranger)).status).toBe(200);
    const platform = { ...event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded')), account: undefined };
    expect((await deliver(platform)).status).toBe(200);
    expect(await eventsOf(w.tenantId)).toHaveLength(0);
    expect((await paymentRow(payment.id)).status).toBe('pending');
  });
});

describe('events out of order leave one correct ledger', () => {
  it('payment_failed arriving after succeeded: the payment stays succeeded, paid once', async () => {
    stubStripe();
    const w = await stripeClinic();
    const payment = await pendingPayment(w);
    expect((await deliver(event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded')))).status).toBe(200);
    expect((await deliver(event(w, 'payment_intent.payment_failed', failedIntent(payment)))).status).toBe(200);
    // …and an old requires_action snapshot after both.
    expect((await deliver(event(w, 'payment_intent.requires_action', intentObject(payment, 'requires_action')))).status).toBe(200);

    expect(await eventsOf(w.tenantId)).toHaveLength(3);
    expect((await eventsOf(w.tenantId)).every((e) => e.processedAt !== null)).toBe(true);
    expect((await paymentRow(payment.id)).status).toBe('succeeded');
    expect((await paymentEntries(w)).map((e) => e.amount)).toEqual([-12_500]);
    expect(await invoiceStatus(w)).toBe('paid');
  });

  it('payment_failed then succeeded (money did move): succeeded, paid once', async () => {
    stubStripe();
    const w = await stripeClinic(8_000);
    const payment = await pendingPayment(w);
    await deliver(event(w, 'payment_intent.payment_failed', failedIntent(payment)));
    const failed = await paymentRow(payment.id);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds', failureMessage: 'The card was declined for insufficient funds. Try another card.' });
    expect(await invoiceStatus(w)).toBe('open');

    await deliver(event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded')));
    await deliver(event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded')));
    expect((await paymentRow(payment.id)).status).toBe('succeeded');
    expect((await paymentEntries(w)).map((e) => e.amount)).toEqual([-8_000]);
    expect(await invoiceStatus(w)).toBe('paid');
  });

  it('a payment found by its metadata id when its ref was never stored (the process died after Stripe answered)', async () => {
    stubStripe();
    const w = await stripeClinic();
    const [payment] = await db().insert(payments).values({
      tenantId: w.tenantId, patientId: w.leo.id, method: 'card_online', status: 'pending', amount: w.invoice.total, currency: 'USD', idempotencyKey: randomUUID(), gateway: 'stripe',
    }).returning();
    await db().insert(paymentAllocations).values({ tenantId: w.tenantId, paymentId: payment!.id, invoiceId: w.invoice.id, amount: w.invoice.total });
    await deliver(event(w, 'payment_intent.succeeded', intentObject({ ...payment!, gatewayPaymentRef: 'pi_never_stored' }, 'succeeded')));
    expect(await paymentRow(payment!.id)).toMatchObject({ status: 'succeeded', gatewayPaymentRef: 'pi_never_stored' });
  });
});

describe('the payment-events job', () => {
  it('applies stored events the route did not (a crash after the insert), each once with two runners', async () => {
    stubStripe();
    const w = await stripeClinic();
    const made = [];
    for (let i = 0; i < 6; i++) {
      const payment = await pendingPayment(w);
      const body = event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded'));
      await db().insert(paymentEvents).values({ tenantId: w.tenantId, gateway: 'stripe', eventId: body.id, type: body.type, objectRef: payment.gatewayPaymentRef!, payload: JSON.stringify(body) });
      made.push(payment);
    }
    const runs = await Promise.all([processPaymentEvents(db(), { limit: 4 }), processPaymentEvents(db(), { limit: 4 }), processPaymentEvents(db(), { limit: 4 })]);
    let processed = runs.reduce((s, r) => s + r.processed, 0);
    expect(runs.reduce((s, r) => s + r.retried, 0)).toBe(0);
    // Runners that met each other's locks may leave an event to the job's next pass (seen under
    // CI load: 5 of 6 in the first three); what must hold is that each is applied exactly once.
    for (let pass = 0; pass < 3; pass++) processed += (await processPaymentEvents(db())).processed;
    expect(processed).toBe(6);
    for (const p of made) expect((await paymentRow(p.id)).status).toBe('succeeded');
    expect(await processPaymentEvents(db())).toEqual({ processed: 0, retried: 0 });
  });

  it('retries a failing event with backoff, keeping only the error’s name, then applies it', async () => {
    stubStripe();
    const w = await stripeClinic();
    const payment = await pendingPayment(w);
    const good = event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded'));
    const start = new Date('2027-01-10T09:00:00Z');
    setClockForTests(() => start);
    await db().insert(paymentEvents).values({ tenantId: w.tenantId, gateway: 'stripe', eventId: good.id, type: good.type, objectRef: 'pi_x', payload: '{"truncated', nextAttemptAt: start });

    expect(await processPaymentEvents(db())).toEqual({ processed: 0, retried: 1 });
    let [row] = await eventsOf(w.tenantId);
    expect(row).toMatchObject({ attempts: 1, lastError: 'SyntaxError', processedAt: null });
    expect(row!.nextAttemptAt.toISOString()).toBe(addSeconds(start, 30).toISOString());
    // Not due yet.
    expect(await processPaymentEvents(db())).toEqual({ processed: 0, retried: 0 });

    setClockForTests(() => addSeconds(start, 31));
    expect(await processPaymentEvents(db())).toEqual({ processed: 0, retried: 1 });
    [row] = await eventsOf(w.tenantId);
    expect(row).toMatchObject({ attempts: 2, lastError: 'SyntaxError' });
    expect(row!.nextAttemptAt.toISOString()).toBe(addSeconds(start, 31 + 120).toISOString());

    await db().update(paymentEvents).set({ payload: JSON.stringify(good) }).where(eq(paymentEvents.id, row!.id));
    setClockForTests(() => addSeconds(start, 200));
    expect(await processPaymentEvents(db())).toEqual({ processed: 1, retried: 0 });
    [row] = await eventsOf(w.tenantId);
    expect(row).toMatchObject({ attempts: 2, lastError: null });
    expect(row!.processedAt!.toISOString()).toBe(addSeconds(start, 200).toISOString());
    expect((await paymentRow(payment.id)).status).toBe('succeeded');
  });

  it('is one of the scheduled jobs', () => {
    expect(SCHEDULED_JOBS.map((j) => j.name)).toContain('payment-events');
  });
});

describe('refunds, saved cards and the account, from events', () => {
  it('a refund that succeeds at Stripe later (refund.updated) is recorded once', async () => {
    stubStripe();
    const w = await stripeClinic(10_000);
    const payment = await pendingPayment(w);
    await deliver(event(w, 'payment_intent.succeeded', intentObject(payment, 'succeeded')));
    const [refund] = await db().insert(refunds).values({
      tenantId: w.tenantId, paymentId: payment.id, patientId: w.leo.id, amount: 4_000, status: 'pending', reason: 'Overcharged', idempotencyKey: randomUUID(), gatewayRefundRef: 're_w1',
    }).returning();
    const refundObject = (status: string) => ({ id: 're_w1', object: 'refund', amount: 4_000, status, payment_intent: payment.gatewayPaymentRef, metadata: { carebridge_refund_id: refund!.id } });

    await deliver(event(w, 'refund.created', refundObject('pending')));
    expect((await db().select().from(refunds).where(eq(refunds.id, refund!.id)))[0]!.status).toBe('pending');
    await deliver(event(w, 'refund.updated', refundObject('succeeded')));
    await deliver(event(w, 'charge.refund.updated', refundObject('succeeded')));

    expect((await db().select().from(refunds).where(eq(refunds.id, refund!.id)))[0]!.status).toBe('succeeded');
    const entries = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.tenantId, w.tenantId), eq(ledgerEntries.refundId, refund!.id)));
    expect(entries.map((e) => [e.kind, e.amount]).sort()).toEqual([['adjustment', -4_000], ['refund', 4_000]]);
  });

  it('a card setup that succeeds is read back from Stripe for its card, and the card is saved once', async () => {
    stubStripe();
    stripeRequests = [];
    const w = await stripeClinic();
    const [setup] = await db().insert(cardSetups).values({
      tenantId: w.tenantId, patientId: w.leo.id, gateway: 'stripe', status: 'requires_action', idempotencyKey: randomUUID(), setupRef: 'seti_w1',
    }).returning();
    const object = { id: 'seti_w1', object: 'setup_intent', status: 'succeeded', payment_method: 'pm_w1', last_setup_error: null, client_secret: 's', metadata: { carebridge_setup_id: setup!.id } };
    await deliver(event(w, 'setup_intent.succeeded', object));
    await deliver(event(w, 'setup_intent.succeeded', object));

    expect(stripeRequests[0]).toMatchObject({ method: 'GET', path: '/v1/setup_intents/seti_w1?expand[0]=payment_method', account: w.acct });
    expect((await db().select().from(cardSetups).where(eq(cardSetups.id, setup!.id)))[0]!.status).toBe('succeeded');
    const cards = await db().select().from(savedCards).where(eq(savedCards.tenantId, w.tenantId));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ paymentMethodRef: 'pm_w1', brand: 'visa', last4: '4242', expMonth: 11, expYear: 2031, isDefault: true });
  });

  it('account.updated keeps whether the clinic’s account can take charges, audited', async () => {
    stubStripe();
    const w = await stripeClinic();
    await deliver(event(w, 'account.updated', { id: w.acct, object: 'account', charges_enabled: false, details_submitted: true }));
    await deliver(event(w, 'account.updated', { id: w.acct, object: 'account', charges_enabled: false, details_submitted: true }));
    const [settings] = await db().select().from(billingSettings).where(eq(billingSettings.tenantId, w.tenantId));
    expect(settings!.stripeChargesEnabled).toBe(false);
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenantId), eq(auditLog.action, 'billing.settings_updated')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorKind: 'system', details: { changed: { stripeChargesEnabled: { before: true, after: false } }, stripeAccountId: w.acct } });
  });

  it('recordPaymentEvent reports a replay, and an event type Carebridge does not use is stored and done', async () => {
    stubStripe();
    const w = await stripeClinic();
    const body = event(w, 'customer.created', { id: 'cus_1', object: 'customer' }) as unknown as Stripe.Event;
    expect(await recordPaymentEvent(db(), w.tenantId, body)).toEqual({ recorded: true, applied: true });
    expect(await recordPaymentEvent(db(), w.tenantId, body)).toEqual({ recorded: false, applied: false });
    expect(await eventsOf(w.tenantId)).toHaveLength(1);
  });
});

describe('Stripe Connect onboarding', () => {
  const urls = { returnUrl: 'https://sunrise.example/crm/billing?stripe=return', refreshUrl: 'https://sunrise.example/crm/billing?stripe=refresh' };

  it('makes the clinic’s account once, stores it, audits it, and hands out a fresh link each time', async () => {
    stubStripe();
    stripeRequests = [];
    const tenant = await createTestTenant();
    const admin = await createStaffContext(tenant, 'admin');
    nextAccountId = `acct_${randomBytes(6).toString('hex')}`;

    const first = await startStripeOnboarding(db(), admin, urls);
    expect(first).toEqual({ stripeAccountId: nextAccountId, url: expect.stringMatching(/^https:\/\/connect\.stripe\.com\/setup\/s\//) });
    const [settings] = await db().select().from(billingSettings).where(eq(billingSettings.tenantId, tenant.id));
    expect(settings).toMatchObject({ stripeAccountId: nextAccountId, stripeChargesEnabled: false, paymentsEnabled: false });
    const second = await startStripeOnboarding(db(), admin, urls);
    expect(second.stripeAccountId).toBe(nextAccountId);
    expect(second.url).not.toBe(first.url);

    expect(stripeRequests.map((r) => [r.method, r.path, r.idempotencyKey, r.account])).toEqual([
      ['POST', '/v1/accounts', `connect-account:${tenant.id}`, undefined],
      // The SDK's own key per request (its retries of one request make one link), none of ours.
      ['POST', '/v1/account_links', expect.stringMatching(/^stripe-node-retry-/), undefined],
      ['POST', '/v1/account_links', expect.stringMatching(/^stripe-node-retry-/), undefined],
    ]);
    expect(stripeRequests[1]!.idempotencyKey).not.toBe(stripeRequests[2]!.idempotencyKey);
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'billing.stripe_connected')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorKind: 'staff', actorId: admin.actor.id, details: { stripeAccountId: nextAccountId, chargesEnabled: false } });

    // The admin comes back from Stripe: the account can take charges now.
    expect(await refreshStripeStatus(db(), admin)).toEqual({ stripeAccountId: nextAccountId, chargesEnabled: true, detailsSubmitted: true });
    const [after] = await db().select().from(billingSettings).where(eq(billingSettings.tenantId, tenant.id));
    expect(after!.stripeChargesEnabled).toBe(true);
    const changed = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'billing.settings_updated')));
    expect(changed.map((a) => [a.actorId, a.details])).toEqual([[admin.actor.id, { changed: { stripeChargesEnabled: { before: false, after: true } }, stripeAccountId: nextAccountId }]]);
  });

  it('refuses an account another clinic already has, and staff without billing.settings', async () => {
    stubStripe();
    const taken = await stripeClinic();
    const tenant = await createTestTenant();
    nextAccountId = taken.acct;
    const refused = await startStripeOnboarding(db(), await createStaffContext(tenant, 'admin'), urls).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(StripeConnectError);
    expect(refused).toMatchObject({ code: 'stripe-account-taken', userMessage: 'This Stripe account is already connected to another clinic.' });
    // Nothing stored for the clinic that asked.
    expect(await db().select().from(billingSettings).where(eq(billingSettings.tenantId, tenant.id))).toHaveLength(0);

    stripeRequests = [];
    const support = await createStaffContext(tenant, 'support');
    expect(await startStripeOnboarding(db(), support, urls).then(() => null, (e: unknown) => e)).toBeInstanceOf(ForbiddenError);
    expect(await refreshStripeStatus(db(), support).then(() => null, (e: unknown) => e)).toBeInstanceOf(ForbiddenError);
    expect(stripeRequests).toHaveLength(0);
  });

  it('says so when the platform has no Stripe keys, or the clinic no account yet', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', '');
    const tenant = await createTestTenant();
    const admin = await createStaffContext(tenant, 'admin');
    expect(await startStripeOnboarding(db(), admin, urls).then(() => null, (e: unknown) => e)).toMatchObject({ code: 'stripe-not-configured' });
    stubStripe();
    expect(await refreshStripeStatus(db(), admin).then(() => null, (e: unknown) => e)).toMatchObject({ code: 'stripe-not-connected', userMessage: 'Connect a Stripe account first.' });
  });
});
