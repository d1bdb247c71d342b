import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { domainEvents, invoices, locations, subscriptions } from '@/db/schema';
import { recordDeskPayment } from '@/lib/billing/desk';
import { createInvoice, openInvoice, voidInvoice } from '@/lib/billing/invoices';
import { payInvoicesOnline } from '@/lib/billing/portal-payments';
import { moveOrderByStaff } from '@/lib/commerce/order-changes';
import { runRenewals } from '@/lib/commerce/renewals';
import { cancelSubscription } from '@/lib/commerce/subscriptions';
import { recordOverdueInvoices } from '@/lib/engagement/overdue-invoices';
import { SCHEDULED_JOBS } from '@/lib/jobs/scheduled';
import { billingClinic, key, openInvoiceOf, testCard } from './billing-fixtures';
import { commerceClinic } from './commerce-fixtures';
import { orderOf } from './commerce-orders-fixtures';
import { at, CARDS, CYCLE_2_AT, renewalOrdersOf, subscribe } from './commerce-subscriptions-fixtures';
import { eventsOf, expectOneEvent } from './engagement-events-fixtures';

/**
 * Domain events of billing and commerce (issue 18 point 1): invoices issued, paid and overdue
 * (the one event a job finds, recorded once with two runners), orders moving, subscriptions
 * renewed, failing and cancelled — each through its lib/ function, ids only.
 */

const db = () => getDb();
const VISA = '4242424242424242';

// runRenewals and the overdue job work across clinics: each test's subscriptions end with it.
afterEach(async () => {
  at(null);
  await db().update(subscriptions).set({ status: 'cancelled', cancelledAt: new Date(), cancelledBy: 'staff' })
    .where(inArray(subscriptions.status, ['active', 'past_due', 'paused']));
});

const visitLine = (unitAmount: number) => ({ kind: 'service' as const, serviceId: null, description: 'Visit', quantity: 1, unitAmount, discountAmount: 0, taxRateBp: 0 });

describe('invoice events', () => {
  it('invoice.issued when staff send a draft (not when it is drafted)', async () => {
    const w = await billingClinic();
    const { id } = await createInvoice(db(), w.desk, w.leo.id, { lines: [visitLine(8_000)] });
    expect(await eventsOf(w.tenant.id, ['invoice.issued'])).toHaveLength(0);
    await openInvoice(db(), w.desk, id);
    await expectOneEvent(w.tenant.id, 'invoice.issued', { patientId: w.leo.id, subject: { invoiceId: id }, actor: { kind: 'staff', id: w.desk.actor.id } });
    // Sending it again is refused and records nothing.
    await expect(openInvoice(db(), w.desk, id)).rejects.toThrow();
    expect(await eventsOf(w.tenant.id, ['invoice.issued'])).toHaveLength(1);
  });

  it('invoice.paid once the payments cover it, not for a part payment', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 10_000);
    await recordDeskPayment(db(), w.desk, { attemptKey: key(), patientId: w.leo.id, invoiceIds: [inv.id], amount: 4_000, method: 'cash' });
    expect(await eventsOf(w.tenant.id, ['invoice.paid'])).toHaveLength(0);
    const paid = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 6_000, token: await testCard(w.tenant.id, VISA) });
    expect(paid.status).toBe('succeeded');
    const event = await expectOneEvent(w.tenant.id, 'invoice.paid', { patientId: w.leo.id, subject: { invoiceId: inv.id }, actor: { kind: 'patient', id: w.maria.account.id } });
    expect(JSON.stringify(event)).not.toMatch(/6000|60\.00/);
  });
});

describe('invoice.overdue', () => {
  /** A clinic in New York with Leo's open invoice due on 2026-12-31 (and others that are not owed). */
  async function overdueClinic() {
    const w = await billingClinic();
    await db().insert(locations).values({ tenantId: w.tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'New York', timeZone: 'America/New_York' });
    const owed = await openInvoiceOf(w.tenant.id, w.leo.id, 5_000);
    const paid = await openInvoiceOf(w.tenant.id, w.leo.id, 2_000);
    await recordDeskPayment(db(), w.desk, { attemptKey: key(), patientId: w.leo.id, invoiceIds: [paid.id], amount: 2_000, method: 'cash' });
    const voided = await openInvoiceOf(w.tenant.id, w.leo.id, 3_000);
    await voidInvoice(db(), w.desk, voided.id, 'Entered twice');
    return { w, owed };
  }
  const allOverdue = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(domainEvents).where(eq(domainEvents.name, 'invoice.overdue')))[0]!.n;

  it('is recorded the day after the due date in the clinic’s zone, for an invoice still owed only, once', async () => {
    const { w, owed } = await overdueClinic();
    // 22:00 on the due date in New York (already the next day in UTC): not overdue yet.
    await recordOverdueInvoices(db(), new Date('2027-01-01T03:00:00Z'));
    expect(await eventsOf(w.tenant.id, ['invoice.overdue'])).toHaveLength(0);
    // Just after midnight in New York.
    const at1 = new Date('2027-01-01T05:01:00Z');
    await recordOverdueInvoices(db(), at1);
    const event = await expectOneEvent(w.tenant.id, 'invoice.overdue', { patientId: w.leo.id, subject: { invoiceId: owed.id }, actor: { kind: 'system' } });
    expect(event).toMatchObject({ onceKey: `invoice.overdue:${owed.id}`, occurredAt: at1 });
    // Later runs (the job through the scheduled list too) record nothing more for it.
    const job = SCHEDULED_JOBS.find((j) => j.name === 'overdue-invoices')!;
    expect(await job.run(db(), new Date('2027-01-05T12:00:00Z'))).toEqual({ invoicesOverdue: expect.any(Number) });
    expect(await eventsOf(w.tenant.id, ['invoice.overdue'])).toHaveLength(1);
  });

  it('two runners at once record each overdue invoice once', async () => {
    const clinics = await Promise.all([overdueClinic(), overdueClinic()]);
    const more = await openInvoiceOf(clinics[0].w.tenant.id, clinics[0].w.maria.patient.id, 1_500);
    const before = await allOverdue();
    const when = new Date('2027-01-02T12:00:00Z');
    const runs = await Promise.all([recordOverdueInvoices(db(), when), recordOverdueInvoices(db(), when), recordOverdueInvoices(db(), when)]);
    const recorded = runs.reduce((sum, r) => sum + r.invoicesOverdue, 0);
    expect(recorded).toBe((await allOverdue()) - before);
    for (const [i, { w, owed }] of clinics.entries()) {
      const events = await eventsOf(w.tenant.id, ['invoice.overdue']);
      const expected = i === 0 ? [owed.id, more.id] : [owed.id];
      expect(events.map((e) => (e.subject as { invoiceId: string }).invoiceId).sort()).toEqual(expected.sort());
    }
  });

  it('an invoice paid before the run is not overdue', async () => {
    const { w, owed } = await overdueClinic();
    await recordDeskPayment(db(), w.desk, { attemptKey: key(), patientId: w.leo.id, invoiceIds: [owed.id], amount: 5_000, method: 'cash' });
    await recordOverdueInvoices(db(), new Date('2027-01-03T12:00:00Z'));
    expect(await eventsOf(w.tenant.id, ['invoice.overdue'])).toHaveLength(0);
    const [row] = await db().select({ status: invoices.status }).from(invoices).where(and(eq(invoices.tenantId, w.tenant.id), eq(invoices.id, owed.id)));
    expect(row!.status).toBe('paid');
  });
});

describe('order and subscription events', () => {
  it('order.status_changed for each move staff make; a refused move records nothing', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_fulfilment', invoice: 'paid' });
    await moveOrderByStaff(db(), w.admin, { orderId: order.id, to: 'completed', note: 'Picked up at the desk' });
    const event = await expectOneEvent(w.tenant.id, 'order.status_changed', {
      patientId: w.leo.id, subject: { orderId: order.id, from: 'awaiting_fulfilment', to: 'completed' }, actor: { kind: 'staff', id: w.admin.actor.id },
    });
    expect(JSON.stringify(event)).not.toContain('desk');
    await expect(moveOrderByStaff(db(), w.admin, { orderId: order.id, to: 'shipped', note: null })).rejects.toThrow();
    expect(await eventsOf(w.tenant.id, ['order.status_changed'])).toHaveLength(1);
  });

  it('a renewal: its invoice issued and paid, its order moved twice, the subscription renewed (cycle 2)', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    expect(await runRenewals(db(), { at: at(CYCLE_2_AT) })).toMatchObject({ renewalsSucceeded: 1 });
    const [order] = await renewalOrdersOf(w.tenant.id, sub.id);
    const patientId = w.maria.patient.id;
    const system = { kind: 'system' } as const;
    await expectOneEvent(w.tenant.id, 'subscription.renewed', { patientId, subject: { subscriptionId: sub.id, productId: w.subscription.id, cycle: 2 }, actor: system });
    await expectOneEvent(w.tenant.id, 'invoice.issued', { patientId, subject: { invoiceId: order!.invoiceId! }, actor: system });
    await expectOneEvent(w.tenant.id, 'invoice.paid', { patientId, subject: { invoiceId: order!.invoiceId! }, actor: system });
    // Both moves happen at the held clock's same instant: compared without their order.
    const moves = await eventsOf(w.tenant.id, ['order.status_changed']);
    expect(moves).toHaveLength(2);
    expect(moves.map((e) => e.subject)).toEqual(expect.arrayContaining([
      { orderId: order!.id, from: 'pending', to: 'processing' },
      { orderId: order!.id, from: 'processing', to: 'awaiting_fulfilment' },
    ]));
    expect(await eventsOf(w.tenant.id, ['subscription.renewal_failed', 'subscription.cancelled'])).toHaveLength(0);
    expect(JSON.stringify(await eventsOf(w.tenant.id))).not.toContain('Care plan');
  });

  it('a declined renewal: renewal_failed on each attempt, then cancelled by the system after the last', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf, { card: CARDS.declines });
    const subject = { subscriptionId: sub.id, productId: w.subscription.id, cycle: 2 };
    expect(await runRenewals(db(), { at: at(CYCLE_2_AT) })).toMatchObject({ renewalsFailed: 1 });
    await expectOneEvent(w.tenant.id, 'subscription.renewal_failed', { patientId: w.maria.patient.id, subject, actor: { kind: 'system' } });
    expect(await eventsOf(w.tenant.id, ['subscription.renewed', 'subscription.cancelled'])).toHaveLength(0);
    for (const retry of ['2027-02-16T14:00:00Z', '2027-02-18T14:00:00Z', '2027-02-22T14:00:00Z']) await runRenewals(db(), { at: at(new Date(retry)) });
    const failed = await eventsOf(w.tenant.id, ['subscription.renewal_failed']);
    expect(failed.map((e) => e.subject)).toEqual([subject, subject, subject, subject]);
    await expectOneEvent(w.tenant.id, 'subscription.cancelled', { patientId: w.maria.patient.id, subject: { subscriptionId: sub.id, productId: w.subscription.id }, actor: { kind: 'system' } });
  });

  it('subscription.cancelled when the patient cancels; the reason typed stays out of it', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForLeo);
    await cancelSubscription(db(), w.mariaForLeo, sub.id, { reason: 'other', other: 'My own words about my treatment' });
    const event = await expectOneEvent(w.tenant.id, 'subscription.cancelled', {
      patientId: w.leo.id, subject: { subscriptionId: sub.id, productId: w.subscription.id }, actor: { kind: 'patient', id: w.maria.account.id },
    });
    expect(JSON.stringify(event)).not.toContain('treatment');
    // Cancelling again is refused and records nothing.
    await expect(cancelSubscription(db(), w.mariaForLeo, sub.id, { reason: 'not_needed' })).rejects.toThrow();
    expect(await eventsOf(w.tenant.id, ['subscription.cancelled'])).toHaveLength(1);
  });
});
