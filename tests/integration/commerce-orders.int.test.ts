import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, couponRedemptions, coupons, invoices, ledgerEntries, refunds } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { grantAuthorization, saveCard } from '@/lib/billing/cards';
import { addOrderNote, assignOrder, cancelAndRefundOrder, cancelOrder, moveOrderByStaff, retryOrderPayment } from '@/lib/commerce/order-changes';
import { orderListQuery } from '@/lib/commerce/order-forms';
import { getOrderForStaff, listClinicOrders, listPatientOrders, manualOrderMoves } from '@/lib/commerce/orders-staff';
import { createStaffContext } from '../support/staff-context';
import { key, refusal, testCard } from './billing-fixtures';
import { commerceClinic, couponOf } from './commerce-fixtures';
import { historyOf, orderOf, orderRow } from './commerce-orders-fixtures';

const db = () => getDb();
const DAY = 86_400_000;
const query = (params: Record<string, string> = {}) => orderListQuery(params);

describe('the EMR order list', () => {
  it('waits for review from when the order entered review: assigning it later does not restart the wait, a move does', async () => {
    const w = await commerceClinic();
    const waiting = await orderOf(w, { status: 'awaiting_review', since: new Date(Date.now() - 3 * DAY) });
    const reviewIds = async () => (await listClinicOrders(db(), w.admin, query({ view: 'review_waiting' }))).rows.map((r) => r.id);
    expect(await reviewIds()).toEqual([waiting.id]);
    // Assigning changes the order (its updated_at) but not how long it has waited.
    await assignOrder(db(), w.admin, { orderId: waiting.id, staffId: w.desk.actor.id, team: null });
    expect(await reviewIds()).toEqual([waiting.id]);
    // Sent back for requirements, then into review again: the wait starts over with that move.
    await moveOrderByStaff(db(), w.admin, { orderId: waiting.id, to: 'awaiting_requirements', note: null });
    await moveOrderByStaff(db(), w.admin, { orderId: waiting.id, to: 'awaiting_review', note: null });
    const row = await orderRow(w.tenant.id, waiting.id);
    expect(row.statusSince.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await reviewIds()).toEqual([]);
    expect((await listClinicOrders(db(), w.admin, query())).counts.review_waiting).toBe(0);
  });

  it('filters by view, status, assignee, product and dates, and counts each "Needs attention" bucket', async () => {
    const w = await commerceClinic();
    const now = Date.now();
    const failed = await orderOf(w, { status: 'awaiting_payment', invoice: 'open' });
    const overdue = await orderOf(w, { status: 'awaiting_requirements', requirementsDueAt: new Date(now - DAY), requirements: [{ kind: 'upload', label: 'Photo ID' }] });
    await orderOf(w, { status: 'awaiting_requirements', requirementsDueAt: new Date(now + DAY), requirements: [{ kind: 'upload', label: 'Photo ID', done: true }, { kind: 'upload', label: 'Other' }] });
    const exception = await orderOf(w, { status: 'shipped', shipments: [{ carrier: 'ups', trackingNumber: '1Z999AA10123456784', status: 'exception' }] });
    // A delivered order's old exception is history, not a problem.
    await orderOf(w, { status: 'delivered', shipments: [{ carrier: 'ups', trackingNumber: '1Z999AA10123456785', status: 'exception' }] });
    const waiting = await orderOf(w, { status: 'awaiting_review', since: new Date(now - 3 * DAY), products: [w.subscription], assignedTeam: 'Clinical review' });
    await orderOf(w, { status: 'awaiting_review', since: new Date(now - DAY), assignedStaffId: w.desk.actor.id });
    const old = await orderOf(w, { status: 'completed', createdAt: new Date('2026-01-15T12:00:00Z'), assignedStaffId: w.admin.actor.id });

    const all = await listClinicOrders(db(), w.admin, query());
    expect(all.rows).toHaveLength(8);
    expect(all.counts).toEqual({ all: 8, attention: 4, failed_payment: 1, requirements_overdue: 1, shipment_exception: 1, review_waiting: 1 });
    const ids = async (params: Record<string, string>, ctx = w.admin) => (await listClinicOrders(db(), ctx, query(params))).rows.map((r) => r.id).sort();

    expect(await ids({ view: 'attention' })).toEqual([failed.id, overdue.id, exception.id, waiting.id].sort());
    expect(await ids({ view: 'failed_payment' })).toEqual([failed.id]);
    expect(await ids({ view: 'requirements_overdue' })).toEqual([overdue.id]);
    expect(await ids({ view: 'shipment_exception' })).toEqual([exception.id]);
    expect(await ids({ view: 'review_waiting' })).toEqual([waiting.id]);
    expect(await ids({ status: 'awaiting_review' })).toHaveLength(2);
    expect(await ids({ assignee: 'me' })).toEqual([old.id]);
    expect(await ids({ assignee: `staff:${w.desk.actor.id}` })).toHaveLength(1);
    expect(await ids({ assignee: 'team:Clinical review' })).toEqual([waiting.id]);
    expect(await ids({ assignee: 'none' })).toHaveLength(5);
    expect(await ids({ product: w.subscription.id })).toEqual([waiting.id]);
    expect(await ids({ from: '2026-01-15', to: '2026-01-15' })).toEqual([old.id]);
    expect(await ids({ from: '2026-01-16', to: '2026-01-14' })).toEqual([old.id]);
    expect(await ids({ to: '2026-01-14' })).toEqual([]);
    // A bad filter is no filter.
    expect(await ids({ view: 'everything', status: 'lost', assignee: 'staff:nope', product: 'x', from: '2026-02-30' })).toHaveLength(8);

    const row = all.rows.find((r) => r.id === overdue.id)!;
    expect(row).toMatchObject({ label: expect.stringMatching(/^ORD-\d{6}$/), statusLabel: 'Awaiting requirements', requirements: { done: 0, total: 1 }, patient: { id: w.leo.id } });
    expect(all.rows.find((r) => r.id === exception.id)!.shipmentStatus).toBe('exception');

    // Support may look; marketing may not; another clinic sees none of these.
    expect((await listClinicOrders(db(), w.support, query())).rows).toHaveLength(8);
    const marketing = await createStaffContext(w.tenant, 'marketing');
    expect(await refusal(listClinicOrders(db(), marketing, query()))).toBeInstanceOf(ForbiddenError);
    const other = await commerceClinic();
    expect((await listClinicOrders(db(), other.admin, query())).counts.all).toBe(0);
    expect(await refusal(listPatientOrders(db(), other.admin, w.leo.id))).toBeInstanceOf(NotFoundError);
    expect((await listPatientOrders(db(), w.admin, w.leo.id)).length).toBe(8);
  });

  it('pages 25 at a time, newest first', async () => {
    const w = await commerceClinic();
    for (let i = 0; i < 27; i++) await orderOf(w, { status: 'processing', createdAt: new Date(Date.UTC(2026, 5, 1, 0, i)) });
    const first = await listClinicOrders(db(), w.admin, query());
    const second = await listClinicOrders(db(), w.admin, query({ page: '2' }));
    expect(first.rows).toHaveLength(25);
    expect(first.hasMore).toBe(true);
    expect(second.rows).toHaveLength(2);
    expect(second.hasMore).toBe(false);
    expect(first.rows[0]!.createdAt.getTime()).toBeGreaterThan(second.rows[1]!.createdAt.getTime());
  });
});

describe('moving an order', () => {
  it('moves along the state machine only, recording who, when and the note', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_review', invoice: 'paid' });
    expect(manualOrderMoves('awaiting_review')).toEqual(['awaiting_fulfilment', 'awaiting_requirements', 'completed']);
    await moveOrderByStaff(db(), w.admin, { orderId: order.id, to: 'awaiting_fulfilment', note: 'Approved by Dr. Smith' });
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('awaiting_fulfilment');
    const last = (await historyOf(w.tenant.id, order.id)).at(-1)!;
    expect(last).toMatchObject({ fromStatus: 'awaiting_review', toStatus: 'awaiting_fulfilment', actorKind: 'staff', actorId: w.admin.actor.id, note: 'Approved by Dr. Smith' });

    // Outside the machine, and the machine's moves that belong to another action, are refused in words.
    expect(await refusal(moveOrderByStaff(db(), w.admin, { orderId: order.id, to: 'pending', note: null })))
      .toMatchObject({ code: 'order-transition', userMessage: 'An order that is awaiting fulfilment cannot be moved to pending.' });
    expect(await refusal(moveOrderByStaff(db(), w.admin, { orderId: order.id, to: 'shipped', note: null })))
      .toMatchObject({ code: 'order-dedicated-move', userMessage: expect.stringMatching(/tracking number/) });
    expect(await refusal(moveOrderByStaff(db(), w.admin, { orderId: order.id, to: 'refunded', note: null })))
      .toMatchObject({ code: 'order-dedicated-move', userMessage: expect.stringMatching(/Cancel and refund/) });
    expect(await refusal(moveOrderByStaff(db(), w.admin, { orderId: order.id, to: 'awaiting_fulfilment', note: null })))
      .toMatchObject({ userMessage: 'This order is already awaiting fulfilment.' });
    expect((await historyOf(w.tenant.id, order.id))).toHaveLength(3);

    // The detail shows the history with who did it, and only the moves staff make by hand.
    const detail = await getOrderForStaff(db(), w.support, order.id);
    expect(detail.history.map((h) => [h.to, h.actor])).toEqual([['pending', 'System'], ['awaiting_review', 'System'], ['awaiting_fulfilment', w.admin.actor.fullName]]);
    expect(detail.moves).toEqual(['completed']);
    expect(detail.payments).toBeNull(); // support has no billing.view
    expect((await getOrderForStaff(db(), w.desk, order.id)).payments).toEqual([expect.objectContaining({ status: 'succeeded', amount: 2_500, allocated: 2_500 })]);
    const viewed = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'commerce.order_viewed')));
    expect(viewed.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(viewed.map((a) => a.details))).not.toContain('Travel kit');

    // Support may look but not move; another clinic's staff find nothing.
    expect(await refusal(moveOrderByStaff(db(), w.support, { orderId: order.id, to: 'completed', note: null }))).toBeInstanceOf(ForbiddenError);
    const other = await commerceClinic();
    expect(await refusal(moveOrderByStaff(db(), other.admin, { orderId: order.id, to: 'completed', note: null }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getOrderForStaff(db(), other.admin, order.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getOrderForStaff(db(), w.admin, 'not-a-uuid'))).toBeInstanceOf(NotFoundError);
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('awaiting_fulfilment');
  });

  it('assigns to a staff member with orders access or a clinic team, and keeps internal notes', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'processing' });
    await assignOrder(db(), w.admin, { orderId: order.id, staffId: w.desk.actor.id, team: 'Fulfilment' });
    expect(await orderRow(w.tenant.id, order.id)).toMatchObject({ assignedStaffId: w.desk.actor.id, assignedTeam: 'Fulfilment' });
    const marketing = await createStaffContext(w.tenant, 'marketing');
    expect(await refusal(assignOrder(db(), w.admin, { orderId: order.id, staffId: marketing.actor.id, team: null })))
      .toMatchObject({ code: 'assignee-unknown', fieldErrors: { staffId: expect.any(String) } });
    expect(await refusal(assignOrder(db(), w.admin, { orderId: order.id, staffId: null, team: 'Night shift' }))).toMatchObject({ code: 'team-unknown' });
    const other = await commerceClinic();
    expect(await refusal(assignOrder(db(), w.admin, { orderId: order.id, staffId: other.admin.actor.id, team: null }))).toMatchObject({ code: 'assignee-unknown' });
    await assignOrder(db(), w.admin, { orderId: order.id, staffId: null, team: null });
    expect(await orderRow(w.tenant.id, order.id)).toMatchObject({ assignedStaffId: null, assignedTeam: null });

    await addOrderNote(db(), w.desk, { orderId: order.id, body: 'Patient asked for a discreet box.' });
    const detail = await getOrderForStaff(db(), w.admin, order.id);
    expect(detail.notes).toEqual([expect.objectContaining({ body: 'Patient asked for a discreet box.', staffName: w.desk.actor.fullName })]);
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'commerce.order_note_added')));
    expect(JSON.stringify(audit[0]!.details)).not.toContain('discreet');
    expect(await refusal(addOrderNote(db(), other.admin, { orderId: order.id, body: 'x' }))).toBeInstanceOf(NotFoundError);
  });
});

describe('cancelling', () => {
  it('cancels an unpaid order: the invoice is voided and the coupon given back', async () => {
    const w = await commerceClinic();
    const coupon = await couponOf(w.tenant.id, { code: 'LAST1', kind: 'percent', percentBp: 1000, maxRedemptions: 1 });
    const order = await orderOf(w, { status: 'awaiting_payment', invoice: 'open', couponId: coupon.id });
    expect((await db().select().from(coupons).where(eq(coupons.id, coupon.id)))[0]!.redemptionCount).toBe(1);

    // Physicians may manage orders but not billing: cancelling would void an invoice.
    const physician = await createStaffContext(w.tenant, 'physician');
    expect(await refusal(cancelOrder(db(), physician, { orderId: order.id, reason: 'Changed mind' }))).toMatchObject({ code: 'cancel-needs-billing' });
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('awaiting_payment');

    expect(await cancelOrder(db(), w.desk, { orderId: order.id, reason: 'Patient changed their mind' })).toEqual({ invoiceVoided: true });
    expect(await orderRow(w.tenant.id, order.id)).toMatchObject({ status: 'cancelled', cancelReason: 'Patient changed their mind', closedAt: expect.any(Date) });
    expect((await db().select().from(invoices).where(eq(invoices.id, order.invoiceId!)))[0]!.status).toBe('void');
    expect((await db().select().from(coupons).where(eq(coupons.id, coupon.id)))[0]!.redemptionCount).toBe(0);
    expect(await db().select().from(couponRedemptions).where(eq(couponRedemptions.orderId, order.id))).toEqual([]);
    expect((await historyOf(w.tenant.id, order.id)).at(-1)).toMatchObject({ toStatus: 'cancelled', actorKind: 'staff', actorId: w.desk.actor.id });

    // Twice: refused in words, nothing more changes.
    expect(await refusal(cancelOrder(db(), w.desk, { orderId: order.id, reason: 'Again' }))).toMatchObject({ userMessage: 'This order is already cancelled.' });
    expect((await db().select().from(coupons).where(eq(coupons.id, coupon.id)))[0]!.redemptionCount).toBe(0);
  });

  it('refuses to cancel a paid order without a refund, and to refund an unpaid one', async () => {
    const w = await commerceClinic();
    const paid = await orderOf(w, { status: 'processing', invoice: 'paid' });
    expect(await refusal(cancelOrder(db(), w.desk, { orderId: paid.id, reason: 'x' }))).toMatchObject({ userMessage: 'This order has been paid: cancel it with a refund instead.' });
    const unpaid = await orderOf(w, { status: 'pending', invoice: 'open' });
    expect(await refusal(cancelAndRefundOrder(db(), w.desk, { orderId: unpaid.id, attemptKey: key(), reason: 'x' }))).toMatchObject({ code: 'order-unpaid' });
    const other = await commerceClinic();
    expect(await refusal(cancelOrder(db(), other.desk, { orderId: unpaid.id, reason: 'x' }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(cancelAndRefundOrder(db(), other.desk, { orderId: paid.id, attemptKey: key(), reason: 'x' }))).toBeInstanceOf(NotFoundError);
  });

  it('cancels a paid order with a refund of every payment, ending refunded; twice refunds once', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_fulfilment', invoice: 'paid', products: [w.oneTime, w.oneTime] });
    const physician = await createStaffContext(w.tenant, 'physician');
    expect(await refusal(cancelAndRefundOrder(db(), physician, { orderId: order.id, attemptKey: key(), reason: 'Out of stock' }))).toMatchObject({ code: 'refund-needs-billing' });

    const attemptKey = key();
    // A double click: the same attempt twice at once. One refunds and closes the order; the other
    // finds that refund (still being recorded, or done) and the order closed: never a second refund.
    const outcomes = await Promise.all([1, 2].map(() => cancelAndRefundOrder(db(), w.desk, { orderId: order.id, attemptKey, reason: 'Out of stock' }).catch((e: unknown) => e)));
    expect(outcomes).toContainEqual({ state: 'refunded', refunded: 5_000, currency: 'USD' });
    const loser = outcomes.find((o) => !(o && typeof o === 'object' && 'refunded' in o && o.refunded === 5_000));
    if (loser) expect([{ state: 'waiting', refunded: 0, currency: 'USD' }, expect.objectContaining({ code: 'order-refunded' })]).toContainEqual(loser);
    expect(await refusal(cancelAndRefundOrder(db(), w.desk, { orderId: order.id, attemptKey: key(), reason: 'Out of stock' }))).toMatchObject({ code: 'order-refunded' });

    const made = await db().select().from(refunds).where(eq(refunds.paymentId, order.paymentId!));
    expect(made).toEqual([expect.objectContaining({ amount: 5_000, status: 'succeeded', creditInvoice: true })]);
    const ledger = await db().select().from(ledgerEntries).where(eq(ledgerEntries.invoiceId, order.invoiceId!));
    expect(ledger.filter((e) => e.kind === 'refund')).toHaveLength(1);
    expect(await orderRow(w.tenant.id, order.id)).toMatchObject({ status: 'refunded', cancelReason: 'Out of stock' });
    expect((await historyOf(w.tenant.id, order.id)).filter((h) => h.toStatus === 'refunded')).toHaveLength(1);
  });

  it('refunds a card payment at the gateway', async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_payment', invoice: 'open' });
    const { payInvoicesOnline } = await import('@/lib/billing/portal-payments');
    const paid = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [order.invoiceId!], amount: 2_500, token: await testCard(w.tenant.id, '4242424242424242') });
    expect(paid.status).toBe('succeeded');
    // Billing's settlement moved the order on.
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('processing');
    expect(await cancelAndRefundOrder(db(), w.desk, { orderId: order.id, attemptKey: key(), reason: 'Duplicate order' })).toEqual({ state: 'refunded', refunded: 2_500, currency: 'USD' });
    expect(await db().select({ status: refunds.status }).from(refunds).where(eq(refunds.paymentId, paid.id))).toEqual([{ status: 'succeeded' }]);
  });
});

describe('retrying a failed payment', () => {
  it("charges the patient's saved card under their authorisation; the order moves on", async () => {
    const w = await commerceClinic();
    const order = await orderOf(w, { status: 'awaiting_payment', invoice: 'open' });
    expect(await refusal(retryOrderPayment(db(), w.desk, { orderId: order.id, attemptKey: key(), amount: 2_500 })))
      .toMatchObject({ userMessage: 'The patient has no saved card.' });
    const saved = await saveCard(db(), w.mariaForLeo, { attemptKey: key(), token: await testCard(w.tenant.id, '4242424242424242'), authorize: null });
    await grantAuthorization(db(), w.mariaForLeo, saved.savedCardId!, { scopes: ['invoices'], maxAmount: null });
    const physician = await createStaffContext(w.tenant, 'physician');
    expect(await refusal(retryOrderPayment(db(), physician, { orderId: order.id, attemptKey: key(), amount: 2_500 }))).toMatchObject({ code: 'retry-needs-billing' });

    const attemptKey = key();
    const payment = await retryOrderPayment(db(), w.desk, { orderId: order.id, attemptKey, amount: 2_500 });
    expect(payment.status).toBe('succeeded');
    expect((await orderRow(w.tenant.id, order.id)).status).toBe('processing');
    // The same attempt again is the same payment; a new one finds nothing to retry.
    expect(await retryOrderPayment(db(), w.desk, { orderId: order.id, attemptKey, amount: 2_500 }).catch((e: unknown) => e)).toMatchObject({ code: 'retry-not-unpaid' });
    expect(await refusal(retryOrderPayment(db(), w.desk, { orderId: order.id, attemptKey: key(), amount: 2_500 }))).toMatchObject({ code: 'retry-not-unpaid' });
    const other = await commerceClinic();
    expect(await refusal(retryOrderPayment(db(), other.desk, { orderId: order.id, attemptKey: key(), amount: 2_500 }))).toBeInstanceOf(NotFoundError);
  });
});
