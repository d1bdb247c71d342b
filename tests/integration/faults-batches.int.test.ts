import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDatabaseHandle, getDb, openDatabase, setDatabaseHandle, type DatabaseHandle } from '@/db/client';
import {
  billingSettings, campaignRecipients, cardAuthorizations, gatewayCustomers, orders, outboxMessages, patientConsents, paymentAllocations, payments, savedCards,
  subscriptionRenewals, subscriptions,
} from '@/db/schema';
import { RENEWAL_LEASE_SECONDS, runRenewals } from '@/lib/commerce/renewals';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { ResendEmailSender } from '@/lib/email/resend-sender';
import { sendDueCampaignMessages } from '@/lib/engagement/campaigns/send';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { createCampaign } from '../support/engagement-campaign-fixtures';
import { FaultyProvider, proxiedTestDatabase, TcpProxy } from '../support/fault-servers';
import { FaultyStripe, shortenStripeDeadline } from '../support/faults-stripe';
import { createTestTenant } from '../support/factories';
import { testServerUrl } from '../support/test-database';
import { commerceClinic, shopPatients } from './commerce-fixtures';
import { at, CYCLE_2_AT, subscribe } from './commerce-subscriptions-fixtures';

/**
 * Issue 21 point 8, batches: the worker is killed in the middle of a renewal batch and of a
 * campaign send. The kill is the database going away under the runner (a TCP proxy in front of
 * Postgres, cut at a chosen moment: transactions in flight are cut mid-way, nothing after it is
 * written), with Stripe and Resend as loopback servers that keep their idempotency keys and count
 * what really happened (charges, deliveries). A second runner on a healthy connection then
 * finishes: nothing charged or sent twice, nothing skipped.
 */

const serverUrl = testServerUrl();
const db = () => getDb();

describe.skipIf(!serverUrl)('a worker killed mid-batch', () => {
  let original: DatabaseHandle;
  let proxy: TcpProxy;
  let proxiedUrl: string;
  const opened: DatabaseHandle[] = [];
  const saved: NodeJS.UncaughtExceptionListener[] = [];

  beforeAll(async () => {
    original = getDatabaseHandle();
    ({ proxy, url: proxiedUrl } = await proxiedTestDatabase(serverUrl!, original));
    // postgres.js throws from a setImmediate when drizzle's ROLLBACK meets a dropped socket
    // (faults-database.int.test.ts); a killed worker's leftovers are no concern of the next one.
    saved.push(...process.listeners('uncaughtException'));
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', () => {});
  });

  afterEach(async () => {
    setDatabaseHandle(original);
    setClockForTests(undefined);
    at(null);
    await proxy.restore();
  });

  afterAll(async () => {
    await Promise.all(opened.map((h) => Promise.race([h.close(), new Promise((r) => setTimeout(r, 1_000))]).catch(() => {})));
    await proxy.cut();
    process.removeAllListeners('uncaughtException');
    for (const listener of saved) process.on('uncaughtException', listener);
  });

  /** The doomed worker's own connection, through the proxy. */
  function doomedWorker(): DatabaseHandle {
    const handle = openDatabase({ url: proxiedUrl, maxConnections: 4 });
    opened.push(handle);
    return handle;
  }

  describe('a renewal batch (Stripe)', () => {
    let stripe: FaultyStripe;
    beforeEach(async () => {
      stripe = new FaultyStripe();
      vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_faults_batches');
      vi.stubEnv('STRIPE_API_BASE', await stripe.start());
      shortenStripeDeadline(500);
    });
    afterEach(async () => {
      vi.unstubAllEnvs();
      await stripe.stop();
    });

    it('killed after the third charge: the next run charges each due cycle once and skips none', async () => {
      const w = await commerceClinic();
      await db().update(billingSettings).set({ gateway: 'stripe', stripeAccountId: `acct_${randomBytes(6).toString('hex')}`, stripeChargesEnabled: true })
        .where(eq(billingSettings.tenantId, w.tenant.id));
      const people = await shopPatients(w.tenant, 8);
      const subs = [];
      for (const p of people) {
        subs.push(await subscribe(w, p.ctx, { card: null }));
        const [card] = await db().insert(savedCards).values({
          tenantId: w.tenant.id, patientId: p.patient.id, gateway: 'stripe', paymentMethodRef: `pm_${randomBytes(6).toString('hex')}`, brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, isDefault: true,
        }).returning();
        await db().insert(gatewayCustomers).values({ tenantId: w.tenant.id, patientId: p.patient.id, gateway: 'stripe', customerRef: `cus_${randomBytes(6).toString('hex')}` });
        await db().insert(cardAuthorizations).values({ tenantId: w.tenant.id, savedCardId: card!.id, patientId: p.patient.id, textVersion: 'v1', scopes: ['subscriptions'] });
      }

      // The worker dies the moment Stripe has made its third charge, before answering it.
      stripe.onCharge = async () => {
        if (stripe.charges.length === 3) await proxy.cut();
      };
      const doomed = doomedWorker();
      const first = await runRenewals(doomed.db, { at: at(CYCLE_2_AT), limit: 50, concurrency: 2 });
      expect(first.renewalsClaimed).toBe(8);
      expect(first.renewalErrors).toBeGreaterThan(0);
      stripe.onCharge = null;
      const chargedBeforeKill = stripe.charges.length;
      expect(chargedBeforeKill).toBeGreaterThanOrEqual(3);
      await proxy.restore();

      // Within the dead worker's lease nothing is taken; after it, a healthy runner finishes.
      expect((await runRenewals(db(), { at: at(addSeconds(CYCLE_2_AT, 60)) })).renewalsClaimed).toBe(0);
      const second = await runRenewals(db(), { at: at(addSeconds(CYCLE_2_AT, RENEWAL_LEASE_SECONDS + 1)), limit: 50 });
      expect(second.renewalErrors).toBe(0);
      const third = await runRenewals(db(), { at: at(addSeconds(CYCLE_2_AT, 2 * RENEWAL_LEASE_SECONDS + 2)), limit: 50 });
      expect(third.renewalsClaimed).toBe(0);

      // Nothing skipped: every subscription billed its second cycle, once.
      const ids = subs.map((s) => s.id);
      const rows = await db().select().from(subscriptions).where(inArray(subscriptions.id, ids));
      expect(rows.map((r) => [r.status, r.cyclesBilled])).toEqual(ids.map(() => ['active', 2]));
      const renewals = await db().select().from(subscriptionRenewals).where(inArray(subscriptionRenewals.subscriptionId, ids));
      expect(renewals.map((r) => `${r.cycleNumber}:${r.status}`).sort()).toEqual(ids.map(() => '2:succeeded'));

      // Nothing charged twice: one charge per subscription cycle, one request key per charge.
      expect(stripe.charges).toHaveLength(8);
      const chargedInvoices = await db().select({ subscriptionId: orders.subscriptionId, cycle: subscriptionRenewals.cycleNumber, paymentId: payments.id, status: payments.status })
        .from(payments)
        .innerJoin(paymentAllocations, and(eq(paymentAllocations.tenantId, payments.tenantId), eq(paymentAllocations.paymentId, payments.id)))
        .innerJoin(orders, and(eq(orders.tenantId, paymentAllocations.tenantId), eq(orders.invoiceId, paymentAllocations.invoiceId)))
        .innerJoin(subscriptionRenewals, and(eq(subscriptionRenewals.tenantId, orders.tenantId), eq(subscriptionRenewals.orderId, orders.id)))
        .where(inArray(payments.id, stripe.charges.map((c) => c.paymentId)));
      const perCycle = new Map<string, number>();
      for (const c of chargedInvoices) perCycle.set(`${c.subscriptionId}:${c.cycle}`, (perCycle.get(`${c.subscriptionId}:${c.cycle}`) ?? 0) + 1);
      expect([...perCycle.values()]).toEqual(ids.map(() => 1));
      expect(chargedInvoices.every((c) => c.status === 'succeeded')).toBe(true);
      expect(new Set(stripe.charges.map((c) => c.idempotencyKey)).size).toBe(8);
      // The charges the dead worker left unrecorded were asked again under their own key.
      for (const c of stripe.charges.slice(0, chargedBeforeKill)) expect(stripe.requestsWith(c.idempotencyKey).length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('a campaign send (Resend)', () => {
    let resend: FaultyProvider;
    let sender: ResendEmailSender;
    let clock: Date;

    beforeEach(async () => {
      resend = new FaultyProvider({
        ok: (_req, res: ServerResponse, { id }) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id }));
        },
        error: (_req, res: ServerResponse) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"statusCode":500,"name":"internal_server_error","message":"boom"}');
        },
        // Resend delivers a repeated Idempotency-Key once.
        idempotencyKey: (req) => req.headers['idempotency-key'] as string | undefined,
        messageKey: (req) => (JSON.parse(req.body) as { to: string[] | string }).to.toString(),
      });
      sender = new ResendEmailSender({ apiKey: 're_test_key', from: 'Carebridge <no-reply@example.com>', baseUrl: await resend.start(), timeoutMs: 1_000 });
      clock = new Date('2026-03-02T15:00:00Z');
      setClockForTests(() => clock);
    });
    afterEach(async () => {
      await resend.stop();
    });

    it('killed mid-way through handing recipients to the outbox, then mid-way through delivering: each recipient gets exactly one email', async () => {
      const tenant = await createTestTenant();
      const people = await shopPatients(tenant, 30);
      await db().insert(patientConsents).values(people.map((p) => ({ tenantId: tenant.id, patientId: p.patient.id, channel: 'email' as const, purpose: 'marketing' as const, granted: true, source: 'portal' as const })));
      const campaign = await createCampaign(tenant.id, 'email');
      await db().insert(campaignRecipients).values(people.map((p) => ({
        tenantId: tenant.id, campaignId: campaign.id, patientId: p.patient.id, address: p.patient.email!, status: 'queued' as const, sendAfter: addSeconds(clock, -60),
      })));

      // 1. The send job: one batch goes through, the next is cut in the middle of its transaction.
      const doomed = doomedWorker();
      expect((await sendDueCampaignMessages(doomed.db, clock, { limit: 10 })).campaignMessagesQueued).toBe(10);
      const cut = setTimeout(() => void proxy.cut(), 15);
      const killed = await sendDueCampaignMessages(doomed.db, clock, { limit: 10 }).then(() => 'finished', () => 'killed');
      clearTimeout(cut);
      await proxy.cut();
      await proxy.restore();
      // Whatever the cut hit, a healthy runner hands over the rest.
      for (let i = 0; i < 5; i++) await sendDueCampaignMessages(db(), clock, { limit: 10 });
      const outbox = await db().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenant.id));
      expect(outbox).toHaveLength(30);
      expect(new Set(outbox.map((m) => m.idempotencyKey)).size).toBe(30);
      const handed = await db().select().from(campaignRecipients).where(eq(campaignRecipients.campaignId, campaign.id));
      expect(handed.every((r) => r.outboxMessageId !== null)).toBe(true);

      // 2. The dispatcher dies once Resend has accepted the fifth email, before recording it.
      const dispatcherDb = doomedWorker();
      setDatabaseHandle(dispatcherDb);
      resend.latencyMs = 30;
      const watch = setInterval(() => {
        if (resend.requests.length >= 5) void proxy.cut();
      }, 2);
      await dispatchDueMessages({ email: sender, limit: 50 }).catch(() => null);
      clearInterval(watch);
      setDatabaseHandle(original);
      await proxy.restore();
      const deliveredBeforeKill = resend.totalDelivered;
      expect(deliveredBeforeKill).toBeGreaterThanOrEqual(5);

      // A healthy dispatcher after the dead one's leases: the rest, and the unrecorded ones again under their key.
      for (let i = 0; i < 4; i++) {
        clock = addSeconds(clock, 3600);
        await dispatchDueMessages({ email: sender, limit: 50 });
      }
      expect(resend.deliveries.size).toBe(30);
      expect([...resend.deliveries.values()].every((n) => n === 1)).toBe(true);
      for (const p of people) expect(resend.deliveries.get(p.patient.email!.toLowerCase()) ?? resend.deliveries.get(p.patient.email!)).toBe(1);
      const finalRows = await db().select({ status: outboxMessages.status }).from(outboxMessages).where(eq(outboxMessages.tenantId, tenant.id));
      expect(finalRows.every((r) => r.status === 'sent')).toBe(true);
      expect(['finished', 'killed']).toContain(killed);
    });
  });
});
