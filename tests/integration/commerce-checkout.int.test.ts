import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import {
  cardAuthorizations, commerceSettings, couponRedemptions, coupons, formAssignments, invoiceLines, invoices, orderLines, orderRequirements, orders,
  orderStatusHistory, payments, products, savedCards, subscriptions,
} from '@/db/schema';
import { submitForm } from '@/lib/clinic-forms/responses';
import { CheckoutRuleError, payOrder, placeOrder, quoteCheckout, releaseOrderCoupon, type ShippingAddress } from '@/lib/commerce/checkout';
import { completePaidOrder, processPaidOrders } from '@/lib/commerce/order-processing';
import { moveOrder } from '@/lib/commerce/order-transitions';
import { listOrderRequirements, overdueRequirementOrders } from '@/lib/commerce/requirements';
import { uploadPatientDocument } from '@/lib/documents/patient-uploads';
import { NotFoundError } from '@/lib/kernel/errors';
import { gatewayPayments, testCard } from './billing-fixtures';
import { commerceClinic, couponOf, shopPatients, type CommerceClinic } from './commerce-fixtures';
import { PDF_BYTES } from '../support/document-files';
import { portalContext } from '../support/portal-context';

const db = () => getDb();
const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
const SHIP: ShippingAddress = { name: 'Maria Lopez', line1: '1 Elm St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'us' };
const VISA = '4242424242424242';
const DECLINED = '4000000000000002';

async function orderRow(tenantId: string, orderId: string) {
  const [row] = await db().select().from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)));
  return row!;
}

/** Maria buys the one-time kit for herself and pays with a new card. */
async function buyKit(c: CommerceClinic, card = VISA, extra: { couponCode?: string } = {}) {
  const placed = await placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines: [{ productId: c.oneTime.id, quantity: 2 }], shipping: SHIP, ...extra });
  const paid = await payOrder(db(), c.mariaForSelf, { orderId: placed.orderId, attemptKey: randomUUID(), source: { kind: 'token', token: await testCard(c.tenant.id, card) } });
  return { placed, paid };
}

describe('placeOrder', () => {
  it('writes the order, its lines and history, a sent invoice of product lines, and the totals the quote showed', async () => {
    const c = await commerceClinic();
    const quote = await quoteCheckout(db(), c.mariaForSelf, { lines: [{ productId: c.oneTime.id, quantity: 2 }], couponCode: 'welcome10' });
    // $50.00 − 10 % = $45.00, tax 8 % = $3.60.
    expect(quote.totals).toEqual({ subtotal: 5000, discountTotal: 500, taxTotal: 360, total: 4860 });
    const placed = await placeOrder(db(), c.mariaForSelf, {
      attemptKey: randomUUID(), lines: [{ productId: c.oneTime.id, quantity: 2 }], couponCode: 'WELCOME10', shipping: SHIP, expectedTotal: 4860,
    });
    const order = await orderRow(c.tenant.id, placed.orderId);
    expect(order).toMatchObject({ status: 'pending', kind: 'checkout', patientId: c.maria.patient.id, accountId: c.maria.account.id, total: 4860, couponId: c.welcome.id, shipCountry: 'US', number: 1 });
    const [invoice] = await db().select().from(invoices).where(and(eq(invoices.tenantId, c.tenant.id), eq(invoices.id, order.invoiceId!)));
    expect(invoice).toMatchObject({ status: 'open', total: 4860, patientId: c.maria.patient.id });
    const lines = await db().select().from(invoiceLines).where(and(eq(invoiceLines.tenantId, c.tenant.id), eq(invoiceLines.invoiceId, invoice!.id)));
    expect(lines.map((l) => [l.kind, l.quantity, l.discountAmount, l.taxAmount, l.total])).toEqual([['product', 2, 500, 360, 4860]]);
    const history = await db().select().from(orderStatusHistory).where(eq(orderStatusHistory.orderId, order.id));
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.actorKind])).toEqual([[null, 'pending', 'patient']]);
    const [coupon] = await db().select().from(coupons).where(eq(coupons.id, c.welcome.id));
    expect(coupon!.redemptionCount).toBe(1);
  });

  it('refuses a total that changed since the page, staff-only and archived products, and a closed shop', async () => {
    const c = await commerceClinic();
    const base = { lines: [{ productId: c.oneTime.id, quantity: 1 }], shipping: SHIP };
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { ...base, attemptKey: randomUUID(), expectedTotal: 1 }))).toMatchObject({ code: 'total-changed' });
    for (const product of [c.staffOnly, c.archived]) {
      const e = await refusal(placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines: [{ productId: product.id, quantity: 1 }], shipping: SHIP }));
      expect(e).toBeInstanceOf(CheckoutRuleError);
      expect(e).toMatchObject({ code: 'product-unavailable' });
    }
    // Another clinic's product is as unavailable as a missing one.
    const other = await commerceClinic();
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines: [{ productId: other.oneTime.id, quantity: 1 }], shipping: SHIP })))
      .toMatchObject({ code: 'product-unavailable' });
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { ...base, attemptKey: randomUUID(), shipping: null }))).toMatchObject({ code: 'shipping-required' });
    await db().update(commerceSettings).set({ shopEnabled: false }).where(eq(commerceSettings.tenantId, c.tenant.id));
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { ...base, attemptKey: randomUUID() }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(quoteCheckout(db(), c.mariaForSelf, { lines: base.lines, couponCode: null }))).toBeInstanceOf(NotFoundError);
    expect(await db().select().from(orders).where(eq(orders.tenantId, c.tenant.id))).toHaveLength(0);
  });

  it('refuses a subscription without the authorisation for its renewals, and more than one of it', async () => {
    const c = await commerceClinic();
    const lines = [{ productId: c.subscription.id, quantity: 1 }];
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines, shipping: SHIP }))).toMatchObject({ code: 'authorization-required' });
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines: [{ productId: c.subscription.id, quantity: 2 }], shipping: SHIP, authorizeSubscription: true })))
      .toMatchObject({ code: 'subscription-quantity' });
  });

  it('gives exactly 10 redemptions of a coupon with 10 left to 50 patients checking out at once', async () => {
    const c = await commerceClinic();
    const limited = await couponOf(c.tenant.id, { code: 'LAST10', kind: 'percent', percentBp: 2000, maxRedemptions: 15, redemptionCount: 5 });
    const shoppers = await shopPatients(c.tenant, 50);
    const results = await Promise.allSettled(shoppers.map((s) => placeOrder(db(), s.ctx, {
      attemptKey: randomUUID(), lines: [{ productId: c.oneTime.id, quantity: 1 }], couponCode: 'last10', shipping: SHIP,
    })));
    const placed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(placed).toHaveLength(10);
    expect(refused.every((r) => r.reason instanceof CheckoutRuleError && r.reason.code === 'coupon-used-up')).toBe(true);
    const [after] = await db().select().from(coupons).where(eq(coupons.id, limited.id));
    expect(after!.redemptionCount).toBe(15);
    expect(await db().select().from(couponRedemptions).where(eq(couponRedemptions.couponId, limited.id))).toHaveLength(10);
    const made = await db().select().from(orders).where(eq(orders.tenantId, c.tenant.id));
    expect(made).toHaveLength(10);
    expect(new Set(made.map((o) => o.number)).size).toBe(10);
  });

  it('holds the per-patient limit and "first order only"', async () => {
    const c = await commerceClinic();
    await couponOf(c.tenant.id, { code: 'ONCE', kind: 'amount', amountOff: 500, perPatientLimit: 1 });
    const lines = [{ productId: c.oneTime.id, quantity: 1 }];
    await placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines, couponCode: 'once', shipping: SHIP });
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines, couponCode: 'ONCE', shipping: SHIP }))).toMatchObject({ code: 'coupon-patient-limit' });
    // Leo is another patient: his own limit.
    await placeOrder(db(), c.mariaForLeo, { attemptKey: randomUUID(), lines, couponCode: 'ONCE', shipping: SHIP });

    await couponOf(c.tenant.id, { code: 'FIRST', kind: 'percent', percentBp: 5000, firstOrderOnly: true });
    // An unpaid order does not count: the coupon is still for a first order.
    expect((await placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines, couponCode: 'first', shipping: SHIP })).created).toBe(true);
    const { paid } = await buyKit(c);
    expect(paid.kind).toBe('paid');
    expect(await refusal(placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines, couponCode: 'first', shipping: SHIP }))).toMatchObject({ code: 'coupon-first-order' });
    expect(await refusal(quoteCheckout(db(), c.mariaForSelf, { lines, couponCode: 'FIRST' }))).toMatchObject({ code: 'coupon-first-order' });
  });

  it('releases the coupon of an order cancelled before payment', async () => {
    const c = await commerceClinic();
    const limited = await couponOf(c.tenant.id, { code: 'ONE', kind: 'percent', percentBp: 1000, maxRedemptions: 1 });
    const lines = [{ productId: c.oneTime.id, quantity: 1 }];
    const placed = await placeOrder(db(), c.mariaForSelf, { attemptKey: randomUUID(), lines, couponCode: 'one', shipping: SHIP });
    expect(await refusal(placeOrder(db(), c.mariaForLeo, { attemptKey: randomUUID(), lines, couponCode: 'one', shipping: SHIP }))).toMatchObject({ code: 'coupon-used-up' });
    await db().transaction(async (tx) => {
      await moveOrder(tx, c.tenant.id, placed.orderId, 'cancelled', { kind: 'staff', id: c.admin.actor.id });
      expect(await releaseOrderCoupon(tx, c.tenant.id, placed.orderId)).toBe(true);
    });
    const [after] = await db().select().from(coupons).where(eq(coupons.id, limited.id));
    expect(after!.redemptionCount).toBe(0);
    await placeOrder(db(), c.mariaForLeo, { attemptKey: randomUUID(), lines, couponCode: 'one', shipping: SHIP });
  });
});

describe('payOrder', () => {
  it('makes one order and one charge of a double submit', async () => {
    const c = await commerceClinic();
    const attemptKey = randomUUID();
    const input = { attemptKey, lines: [{ productId: c.oneTime.id, quantity: 1 }], shipping: SHIP };
    const [a, b] = await Promise.all([placeOrder(db(), c.mariaForSelf, input), placeOrder(db(), c.mariaForSelf, input)]);
    expect(a.orderId).toBe(b.orderId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await db().select().from(orders).where(eq(orders.tenantId, c.tenant.id))).toHaveLength(1);
    const token = await testCard(c.tenant.id, VISA);
    const pay = { orderId: a.orderId, attemptKey, source: { kind: 'token' as const, token } };
    const [p, q] = await Promise.all([payOrder(db(), c.mariaForSelf, pay), payOrder(db(), c.mariaForSelf, pay)]);
    // The second press finds the first payment (still with the provider, or paid): never a second charge.
    expect([p.kind, q.kind]).toContain('paid');
    expect([p.kind, q.kind].every((k) => k === 'paid' || k === 'pending')).toBe(true);
    expect(await gatewayPayments(c.tenant.id)).toHaveLength(1);
    expect(await db().select().from(payments).where(eq(payments.tenantId, c.tenant.id))).toHaveLength(1);
    // A third press after it is paid charges nothing either.
    expect((await payOrder(db(), c.mariaForSelf, { ...pay, attemptKey: randomUUID() })).kind).toBe('paid');
    expect(await gatewayPayments(c.tenant.id)).toHaveLength(1);
    expect((await orderRow(c.tenant.id, a.orderId)).status).toBe('awaiting_fulfilment');
  });

  it('leaves a declined order awaiting payment, and a second card pays it', async () => {
    const c = await commerceClinic();
    const { placed, paid } = await buyKit(c, DECLINED);
    expect(paid).toMatchObject({ kind: 'declined' });
    expect((await orderRow(c.tenant.id, placed.orderId)).status).toBe('awaiting_payment');
    const again = await payOrder(db(), c.mariaForSelf, { orderId: placed.orderId, attemptKey: randomUUID(), source: { kind: 'token', token: await testCard(c.tenant.id, VISA) } });
    expect(again.kind).toBe('paid');
    const order = await orderRow(c.tenant.id, placed.orderId);
    expect(order.status).toBe('awaiting_fulfilment');
    expect(order.paidAt).not.toBeNull();
    const history = await db().select().from(orderStatusHistory).where(eq(orderStatusHistory.orderId, order.id)).orderBy(orderStatusHistory.occurredAt);
    expect(history.map((h) => h.toStatus)).toEqual(['pending', 'awaiting_payment', 'processing', 'awaiting_fulfilment']);
  });

  it('answers not found for another patient\'s or another clinic\'s order', async () => {
    const c = await commerceClinic();
    const placed = await placeOrder(db(), c.mariaForLeo, { attemptKey: randomUUID(), lines: [{ productId: c.oneTime.id, quantity: 1 }], shipping: SHIP });
    const token = await testCard(c.tenant.id, VISA);
    const pay = { orderId: placed.orderId, attemptKey: randomUUID(), source: { kind: 'token' as const, token } };
    expect(await refusal(payOrder(db(), c.mariaForSelf, pay))).toBeInstanceOf(NotFoundError);
    const other = await commerceClinic();
    const stranger = portalContext(other.tenant, other.maria.account.id, other.maria.patient.id);
    expect(await refusal(payOrder(db(), stranger, pay))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listOrderRequirements(db(), stranger, placed.orderId))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listOrderRequirements(db(), c.mariaForSelf, placed.orderId))).toBeInstanceOf(NotFoundError);
    expect(await refusal(payOrder(db(), c.mariaForLeo, { ...pay, orderId: 'not-a-uuid' }))).toBeInstanceOf(NotFoundError);
    expect(await gatewayPayments(c.tenant.id)).toHaveLength(0);
  });
});

describe('a subscription with requirements', () => {
  async function buyPlan(c: CommerceClinic) {
    const attemptKey = randomUUID();
    const placed = await placeOrder(db(), c.mariaForSelf, {
      attemptKey, lines: [{ productId: c.subscription.id, quantity: 1 }, { productId: c.oneTime.id, quantity: 1 }], couponCode: 'WELCOME10', shipping: SHIP, authorizeSubscription: true,
    });
    const paid = await payOrder(db(), c.mariaForSelf, {
      orderId: placed.orderId, attemptKey, authorizeSubscription: true, source: { kind: 'token', token: await testCard(c.tenant.id, VISA) },
    });
    return { placed, paid };
  }

  it('saves the card with an authorisation for renewals, starts the subscription, and asks for the form and the upload', async () => {
    const c = await commerceClinic();
    const { placed, paid } = await buyPlan(c);
    expect(paid.kind).toBe('paid');
    const order = await orderRow(c.tenant.id, placed.orderId);
    expect(order.status).toBe('awaiting_requirements');
    expect(order.requirementsDueAt!.getTime() - order.paidAt!.getTime()).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    const [card] = await db().select().from(savedCards).where(eq(savedCards.patientId, c.maria.patient.id));
    const [auth] = await db().select().from(cardAuthorizations).where(eq(cardAuthorizations.savedCardId, card!.id));
    expect(auth!.scopes).toContain('subscriptions');
    const [sub] = await db().select().from(subscriptions).where(eq(subscriptions.firstOrderId, order.id));
    expect(sub).toMatchObject({ status: 'active', savedCardId: card!.id, couponId: c.welcome.id, couponCyclesLeft: null, cyclesBilled: 1 });
    expect(order.subscriptionId).toBe(sub!.id);
    const [line] = await db().select().from(orderLines).where(and(eq(orderLines.orderId, order.id), eq(orderLines.productId, c.subscription.id)));
    expect(line).toMatchObject({ unitAmount: 9900, discountAmount: 990, phasePosition: 0, cycleNumber: 1 });

    const reqs = await listOrderRequirements(db(), c.mariaForSelf, order.id);
    expect(reqs.map((r) => [r.kind, r.label, r.completedAt])).toEqual([['form', c.intake.title, null], ['upload', 'Photo ID', null]]);
    const [assignment] = await db().select().from(formAssignments).where(eq(formAssignments.id, reqs[0]!.formAssignmentId!));
    expect(assignment).toMatchObject({ source: 'order', status: 'assigned', patientId: c.maria.patient.id });

    // Running it again (the job, a replayed webhook) changes nothing.
    expect(await completePaidOrder(db(), c.tenant.id, order.id)).toMatchObject({ processed: false, status: 'awaiting_requirements' });
    expect(await db().select().from(orderRequirements).where(eq(orderRequirements.orderId, order.id))).toHaveLength(2);

    // Overdue only after the due time.
    expect(await overdueRequirementOrders(db(), c.tenant.id)).toEqual([]);
    const later = new Date(order.requirementsDueAt!.getTime() + 1000);
    expect((await overdueRequirementOrders(db(), c.tenant.id, { at: later })).map((o) => [o.id, o.openRequirements])).toEqual([[order.id, 2]]);

    // The form, then the upload: the order goes to review.
    await submitForm(db(), c.mariaForSelf, assignment!.id, {
      revision: 0,
      answers: { date_of_birth: '1984-07-19', phone: '+15555550101', takes_medication: false, has_allergies: 'no', emergency_name: 'Sam Lopez', emergency_phone: '+15555550102' },
      signatures: { consent_signature: { name: 'Maria Lopez', role: 'patient' } },
    });
    expect((await orderRow(c.tenant.id, order.id)).status).toBe('awaiting_requirements');
    const upload = reqs[1]!;
    const doc = await uploadPatientDocument(db(), c.mariaForSelf, {
      title: 'Photo ID', typeId: c.identificationTypeId, today: '2030-03-04', orderRequirementId: upload.id,
      file: { bytes: PDF_BYTES, name: 'id.pdf', declaredType: 'application/pdf' },
    });
    const done = await listOrderRequirements(db(), c.mariaForSelf, order.id);
    expect(done.every((r) => r.completedAt !== null)).toBe(true);
    expect(done[1]!.documentId).toBe(doc.id);
    expect((await orderRow(c.tenant.id, order.id)).status).toBe('awaiting_review');
    // The same request cannot be answered twice, nor by another patient.
    expect(await refusal(uploadPatientDocument(db(), c.mariaForLeo, {
      title: 'ID', typeId: c.identificationTypeId, today: '2030-03-04', orderRequirementId: upload.id, file: { bytes: PDF_BYTES, name: 'id.pdf', declaredType: 'application/pdf' },
    }))).toBeInstanceOf(NotFoundError);
  });

  it('reuses a form the patient already has open', async () => {
    const c = await commerceClinic();
    const [open] = await db().insert(formAssignments).values({
      tenantId: c.tenant.id, patientId: c.maria.patient.id, templateId: c.intake.id, source: 'chart',
      versionId: (await db().query.formTemplateVersions.findFirst({ where: (v, { eq: e }) => e(v.templateId, c.intake.id) }))!.id,
    }).returning();
    const { placed } = await buyPlan(c);
    const reqs = await listOrderRequirements(db(), c.mariaForSelf, placed.orderId);
    expect(reqs[0]!.formAssignmentId).toBe(open!.id);
  });

  it('is completed by the order-processing job when the payment settled after the request', async () => {
    const c = await commerceClinic();
    const { placed } = await buyKit(c);
    // As if the process died after billing settled: put the order back in processing.
    await db().update(orders).set({ status: 'processing' }).where(eq(orders.id, placed.orderId));
    const counts = await processPaidOrders(db());
    expect(counts.ordersProcessed).toBeGreaterThanOrEqual(1);
    expect((await orderRow(c.tenant.id, placed.orderId)).status).toBe('awaiting_fulfilment');
    expect((await processPaidOrders(db())).ordersProcessed).toBe(0);
  });
});

describe('products the shop does not sell', () => {
  it('refuses a product archived after it was put in the cart', async () => {
    const c = await commerceClinic();
    await db().update(products).set({ status: 'archived' }).where(eq(products.id, c.oneTime.id));
    expect(await refusal(quoteCheckout(db(), c.mariaForSelf, { lines: [{ productId: c.oneTime.id, quantity: 1 }], couponCode: null }))).toMatchObject({ code: 'product-unavailable' });
  });
});
