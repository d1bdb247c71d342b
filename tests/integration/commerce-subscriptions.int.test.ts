import { and, eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, commerceSettings, subscriptions } from '@/db/schema';
import { runRenewals } from '@/lib/commerce/renewals';
import { getPortalSubscription, getSubscription, listPortalSubscriptions, listSubscriptions } from '@/lib/commerce/subscription-reads';
import {
  cancelSubscription, changeSubscriptionPhase, pauseSubscription, rescheduleSubscription, resumeSubscription, skipNextCycle,
} from '@/lib/commerce/subscriptions';
import { commerceClinic, type CommerceClinic } from './commerce-fixtures';
import { at, CARDS, CYCLE_2_AT, eventsOf, gatewayPaymentObjects, invoiceRow, renewalOrdersOf, subscribe, subscriptionRow } from './commerce-subscriptions-fixtures';
import { refusal } from './billing-fixtures';

/**
 * What patients and staff do to subscriptions (lib/commerce/subscriptions.ts) and what they read
 * (subscription-reads.ts): each action's effect on the dates, the clinic's settings refusing a
 * patient but not staff, cancelling a past-due one, another clinic's or patient's subscription
 * answering not found, and the history written with dates and codes only.
 */

const db = () => getDb();
const FEB_1 = new Date('2027-02-01T17:00:00Z');

afterEach(async () => {
  at(null);
  await db().update(subscriptions).set({ status: 'cancelled', cancelledAt: new Date(), cancelledBy: 'staff' })
    .where(inArray(subscriptions.status, ['active', 'past_due', 'paused']));
});

async function setting(w: CommerceClinic, values: Partial<typeof commerceSettings.$inferInsert>) {
  await db().update(commerceSettings).set(values).where(eq(commerceSettings.tenantId, w.tenant.id));
}

describe('patient actions', () => {
  it('skip: the next payment moves a month and is never charged; nothing is counted', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    at(FEB_1);
    await skipNextCycle(db(), w.mariaForSelf, sub.id);
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'active', cyclesBilled: 1, nextCycleAt: new Date('2027-03-15T13:00:00Z') });
    expect((await runRenewals(db(), { at: at(CYCLE_2_AT) })).renewalsClaimed).toBe(0);
    expect(await gatewayPaymentObjects(w.tenant.id)).toHaveLength(0);
    const [, skipped] = await eventsOf(w.tenant.id, sub.id);
    expect(skipped).toMatchObject({ action: 'skipped', actorKind: 'patient', actorId: w.maria.account.id });
    const [audit] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.targetId, sub.id), eq(auditLog.action, 'commerce.subscription_changed')));
    expect(audit).toMatchObject({ actorKind: 'patient', patientId: w.maria.patient.id });
    expect(JSON.stringify(audit!.details)).not.toContain('Care plan');
  });

  it('pause until a date within the clinic’s limit, then resume now', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    at(FEB_1);
    expect(await refusal(pauseSubscription(db(), w.mariaForSelf, sub.id, '2027-06-01'))).toMatchObject({ code: 'pause-too-long', fieldErrors: { until: expect.any(String) } });
    await pauseSubscription(db(), w.mariaForSelf, sub.id, '2027-03-01');
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'paused', pausedUntil: '2027-03-01', nextCycleAt: CYCLE_2_AT });
    await resumeSubscription(db(), w.mariaForSelf, sub.id);
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'active', pausedUntil: null, nextCycleAt: CYCLE_2_AT, anchorDay: 15 });
  });

  it('reschedule within ±14 days of the date it was due, counted from that date however often it moves', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    at(FEB_1);
    await rescheduleSubscription(db(), w.mariaForSelf, sub.id, '2027-02-25');
    let row = await subscriptionRow(w.tenant.id, sub.id);
    expect(row).toMatchObject({ nextCycleAt: new Date('2027-02-25T14:00:00Z'), anchorDay: 25 });
    // 1 March is within 14 days of the 15th; 2 March is not, though it is within 14 days of the 25th.
    expect(await refusal(rescheduleSubscription(db(), w.mariaForSelf, sub.id, '2027-03-02'))).toMatchObject({ code: 'date-outside-window' });
    await rescheduleSubscription(db(), w.mariaForSelf, sub.id, '2027-03-01');
    row = await subscriptionRow(w.tenant.id, sub.id);
    expect(row.nextCycleAt).toEqual(new Date('2027-03-01T14:00:00Z'));
    expect(await refusal(rescheduleSubscription(db(), w.mariaForSelf, sub.id, '2027-01-20'))).toMatchObject({ code: 'date-past' });
    // Staff are not held to the window.
    await rescheduleSubscription(db(), w.admin, sub.id, '2027-04-20');
    expect((await subscriptionRow(w.tenant.id, sub.id)).nextCycleAt).toEqual(new Date('2027-04-20T13:00:00Z'));
  });

  it('cancel in one step with a reason; a typed reason stays on the row, never in the history', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    at(FEB_1);
    await cancelSubscription(db(), w.mariaForSelf, sub.id, { reason: 'other', other: 'My own words about my treatment' });
    const row = await subscriptionRow(w.tenant.id, sub.id);
    expect(row).toMatchObject({ status: 'cancelled', cancelledBy: 'patient', cancelReason: 'My own words about my treatment', nextCycleAt: null });
    expect(JSON.stringify(await eventsOf(w.tenant.id, sub.id))).not.toContain('treatment');
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.targetId, sub.id)));
    expect(JSON.stringify(audits)).not.toContain('treatment');
    expect(await refusal(cancelSubscription(db(), w.mariaForSelf, sub.id, { reason: 'not_needed' }))).toMatchObject({ code: 'over' });
    expect((await runRenewals(db(), { at: at(CYCLE_2_AT) })).renewalsClaimed).toBe(0);
  });

  it('cancelling a past-due subscription gives up its unpaid renewal: the order cancelled, the invoice voided', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf, { card: CARDS.declines });
    await runRenewals(db(), { at: at(CYCLE_2_AT) });
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'past_due' });
    at(new Date('2027-02-15T20:00:00Z'));
    await cancelSubscription(db(), w.mariaForSelf, sub.id, { reason: 'too_expensive' });
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'cancelled', cancelReason: 'too_expensive', nextRetryAt: null });
    const [order] = await renewalOrdersOf(w.tenant.id, sub.id);
    expect(order!.status).toBe('cancelled');
    expect(await invoiceRow(w.tenant.id, order!.invoiceId!)).toMatchObject({ status: 'void' });
    expect((await runRenewals(db(), { at: at(new Date('2027-02-16T14:00:00Z')) })).renewalsClaimed).toBe(0);
  });

  it('each action is refused when the clinic turned it off; staff may still', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    await setting(w, { allowSkip: false, allowPause: false, allowReschedule: false, allowCancel: false });
    at(FEB_1);
    for (const attempt of [
      () => skipNextCycle(db(), w.mariaForSelf, sub.id),
      () => pauseSubscription(db(), w.mariaForSelf, sub.id, '2027-03-01'),
      () => rescheduleSubscription(db(), w.mariaForSelf, sub.id, '2027-02-20'),
      () => cancelSubscription(db(), w.mariaForSelf, sub.id, { reason: 'not_needed' }),
    ]) {
      expect(await refusal(attempt())).toMatchObject({ code: 'not-allowed' });
    }
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'active', nextCycleAt: CYCLE_2_AT });
    await skipNextCycle(db(), w.admin, sub.id);
    await pauseSubscription(db(), w.admin, sub.id, '2027-12-01');
    await resumeSubscription(db(), w.mariaForSelf, sub.id);
    await cancelSubscription(db(), w.admin, sub.id, { reason: 'switching' });
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'staff' });
  });

  it('the page reads what the patient may do and the bounds of each', async () => {
    const w = await commerceClinic();
    await setting(w, { rescheduleWindowDays: 7, maxPauseDays: 30, allowSkip: false });
    const sub = await subscribe(w, w.mariaForSelf);
    at(FEB_1);
    const page = await getPortalSubscription(db(), w.mariaForSelf, sub.id);
    expect(page.limits).toMatchObject({ allowSkip: false, rescheduleWindowDays: 7, maxPauseDays: 30 });
    expect(page.rescheduleRange).toEqual({ min: '2027-02-08', max: '2027-02-22' });
    expect(page.pauseMax).toBe('2027-03-03');
    expect(page.subscription).toMatchObject({ productName: 'Care plan', currentAmount: 9900, nextAmount: 16092, nextPhasePosition: 1 });
    expect(page.nextCard).toMatchObject({ card: { last4: '4242' }, problem: null });
    expect(page.events.map((e) => e.action)).toEqual(['started']);
    expect(await listPortalSubscriptions(db(), w.mariaForSelf)).toHaveLength(1);
    expect(await listPortalSubscriptions(db(), w.mariaForLeo)).toHaveLength(0);
  });
});

describe('staff', () => {
  it('move the subscription to another phase: that phase charges next', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    at(FEB_1);
    await changeSubscriptionPhase(db(), w.admin, sub.id, 0);
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ phasePosition: 0, cyclesInPhase: 0 });
    expect(await refusal(changeSubscriptionPhase(db(), w.admin, sub.id, 7))).toMatchObject({ code: 'phase-unknown' });
    await runRenewals(db(), { at: at(CYCLE_2_AT) });
    const [order] = await renewalOrdersOf(w.tenant.id, sub.id);
    expect(order).toMatchObject({ subtotal: 9900 });
    expect(await subscriptionRow(w.tenant.id, sub.id)).toMatchObject({ phasePosition: 0, cyclesInPhase: 1, cyclesBilled: 2 });
  });

  it('the list puts past-due first and filters by status and patient; the page shows renewals', async () => {
    const w = await commerceClinic();
    const good = await subscribe(w, w.mariaForLeo);
    const failing = await subscribe(w, w.mariaForSelf, { card: CARDS.declines });
    await runRenewals(db(), { at: at(CYCLE_2_AT) });
    const list = await listSubscriptions(db(), w.admin, {});
    expect(list.rows.map((r) => r.id)).toEqual([failing.id, good.id]);
    expect(list.rows[0]).toMatchObject({ status: 'past_due', patientName: expect.stringContaining(''), card: { last4: '0341' } });
    expect((await listSubscriptions(db(), w.admin, { status: 'active' })).rows.map((r) => r.id)).toEqual([good.id]);
    expect((await listSubscriptions(db(), w.admin, { q: 'Leo' })).rows.map((r) => r.id)).toEqual([good.id]);
    const page = await getSubscription(db(), w.admin, failing.id);
    expect(page.renewals).toMatchObject([{ cycleNumber: 2, status: 'failed', attempts: 1, orderStatus: 'awaiting_payment' }]);
    expect(page.firstOrder).toMatchObject({ id: failing.orderId });
    expect(page.nextCard.problem).toBeNull();
  });

  it('support staff without orders.manage cannot change a subscription; without orders.view cannot read one', async () => {
    const w = await commerceClinic();
    const sub = await subscribe(w, w.mariaForSelf);
    expect(await refusal(skipNextCycle(db(), w.support, sub.id))).toMatchObject({ name: 'ForbiddenError' });
    const readable = await refusal(listSubscriptions(db(), w.support, {}));
    expect(readable === null || (readable as Error).name === 'ForbiddenError').toBe(true);
  });
});

describe('another clinic’s or patient’s subscription is not found', () => {
  it('for every action and read', async () => {
    const [w, other] = await Promise.all([commerceClinic(), commerceClinic()]);
    const mine = await subscribe(w, w.mariaForSelf);
    const leos = await subscribe(w, w.mariaForLeo);
    const theirs = await subscribe(other, other.mariaForSelf);
    at(FEB_1);
    const notFound = { name: 'NotFoundError' };
    // Maria acting for herself: Leo's subscription (same account, other patient) and another clinic's.
    for (const id of [leos.id, theirs.id, 'not-a-uuid']) {
      expect(await refusal(skipNextCycle(db(), w.mariaForSelf, id))).toMatchObject(notFound);
      expect(await refusal(pauseSubscription(db(), w.mariaForSelf, id, '2027-03-01'))).toMatchObject(notFound);
      expect(await refusal(resumeSubscription(db(), w.mariaForSelf, id))).toMatchObject(notFound);
      expect(await refusal(rescheduleSubscription(db(), w.mariaForSelf, id, '2027-02-20'))).toMatchObject(notFound);
      expect(await refusal(cancelSubscription(db(), w.mariaForSelf, id, { reason: 'other' }))).toMatchObject(notFound);
      expect(await refusal(getPortalSubscription(db(), w.mariaForSelf, id))).toMatchObject(notFound);
    }
    // Staff of this clinic: another clinic's.
    expect(await refusal(getSubscription(db(), w.admin, theirs.id))).toMatchObject(notFound);
    expect(await refusal(cancelSubscription(db(), w.admin, theirs.id, { reason: 'other' }))).toMatchObject(notFound);
    expect(await refusal(changeSubscriptionPhase(db(), w.admin, theirs.id, 1))).toMatchObject(notFound);
    expect((await listSubscriptions(db(), w.admin, {})).rows.map((r) => r.id).sort()).toEqual([mine.id, leos.id].sort());
    expect(await subscriptionRow(other.tenant.id, theirs.id)).toMatchObject({ status: 'active' });
  });
});
