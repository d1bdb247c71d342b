import 'server-only';
import { and, asc, count, desc, eq, isNull } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { coupons, orderLines, orderRequirements, orders, paymentAllocations, payments, savedCards, type Order, type OrderStatus } from '@/db/schema';
import { assignOrderForms } from '@/lib/clinic-forms/assignments';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { errorSummary } from '@/lib/kernel/errors';
import { addDays, zonedDate } from '@/lib/scheduling/zoned-time';
import { getProductsForOrder } from './catalog-reads';
import { couponCyclesAfterFirst } from './coupon-rules';
import { statusAfterPayment } from './order-status';
import { lockOrder, moveLockedOrder, type OrderActor } from './order-transitions';
import { getCommerceSettings } from './settings';
import { startSubscription } from './subscription-start';

/**
 * What happens once an order is paid (billing's settlement has moved it to `processing`): its
 * subscriptions start, the products' requirements become the patient's to do — forms as form
 * assignments (source 'order'; a form already open is reused), uploads as upload requests — due
 * in the clinic's `requirementsDueDays`, and the order moves on (statusAfterPayment). Runs right
 * after a successful charge and from the `order-processing` job for payments settled later (a
 * webhook, the bank's check, the reconciliation). Idempotent: only an order still in processing
 * is touched, under its row lock, and it leaves processing in the same transaction.
 */

const SYSTEM: OrderActor = { kind: 'system' };

export interface CompletedOrder {
  /** The order's status afterwards (null: no such order). */
  status: OrderStatus | null;
  /** False when the order was not in processing (already done, or not paid). */
  processed: boolean;
  subscriptions: number;
  requirements: number;
}

/**
 * The saved card a subscription renews on: the one given (the checkout just saved it), else the
 * card that paid the order's invoice, else the patient's default card.
 */
async function renewalCard(tx: Executor, order: Order, given: string | null | undefined): Promise<string | null> {
  if (given) return given;
  if (order.invoiceId) {
    const [paidWith] = await tx.select({ cardId: payments.savedCardId }).from(paymentAllocations)
      .innerJoin(payments, and(eq(payments.tenantId, paymentAllocations.tenantId), eq(payments.id, paymentAllocations.paymentId)))
      .where(and(eq(paymentAllocations.tenantId, order.tenantId), eq(paymentAllocations.invoiceId, order.invoiceId), eq(payments.status, 'succeeded')))
      .orderBy(desc(payments.succeededAt)).limit(1);
    if (paidWith?.cardId) return paidWith.cardId;
  }
  const [card] = await tx.select({ id: savedCards.id }).from(savedCards)
    .where(and(eq(savedCards.tenantId, order.tenantId), eq(savedCards.patientId, order.patientId), eq(savedCards.isDefault, true), isNull(savedCards.removedAt)));
  return card?.id ?? null;
}

/** completePaidOrder in the caller's transaction (the job's claim holds the order's lock). */
export async function completeLockedOrder(tx: Executor, tenantId: string, orderId: string, options: { savedCardId?: string | null } = {}): Promise<CompletedOrder> {
  const order = await lockOrder(tx, tenantId, orderId);
  if (!order || order.status !== 'processing') return { status: order?.status ?? null, processed: false, subscriptions: 0, requirements: 0 };
  const at = now();
  const lines = await tx.select().from(orderLines)
    .where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.orderId, orderId)))
    .orderBy(asc(orderLines.position));
  const products = await getProductsForOrder(tx, tenantId, lines.map((l) => l.productId));
  const timeZone = await clinicTimeZone(tx, tenantId);

  // A renewal order belongs to a running subscription and asks for nothing again.
  let started = 0;
  let requirements = 0;
  if (order.kind !== 'renewal') {
    const subscriptionLines = lines.filter((l) => products.get(l.productId)?.kind === 'subscription');
    if (subscriptionLines.length > 0) {
      const cardId = await renewalCard(tx, order, options.savedCardId);
      const [coupon] = order.couponId
        ? await tx.select({ subscriptionCycles: coupons.subscriptionCycles }).from(coupons).where(and(eq(coupons.tenantId, tenantId), eq(coupons.id, order.couponId)))
        : [];
      let firstId: string | null = null;
      for (const line of subscriptionLines) {
        const discounted = coupon !== undefined && line.discountAmount > 0;
        const { id } = await startSubscription(tx, {
          tenantId, patientId: order.patientId, productId: line.productId, orderId, savedCardId: cardId,
          couponId: discounted ? order.couponId : null, couponCyclesLeft: discounted ? couponCyclesAfterFirst(coupon) : null,
          startedAt: order.paidAt ?? at, timeZone,
        });
        firstId ??= id;
        started += 1;
      }
      if (!order.subscriptionId && firstId) {
        await tx.update(orders).set({ subscriptionId: firstId }).where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)));
      }
    }
    requirements = await makeRequirements(tx, order, [...products.values()], at, timeZone);
  }
  const moved = await moveLockedOrder(tx, order, statusAfterPayment(order.kind, requirements > 0), SYSTEM);
  return { status: moved.status, processed: true, subscriptions: started, requirements };
}

/** The products' forms and uploads as the order's requirements (once: an order that has them keeps them). */
async function makeRequirements(
  tx: Executor, order: Order, products: { requirements: { forms: { templateId: string; title: string }[]; uploads: { label: string; documentTypeId: string | null }[] } }[],
  at: Date, timeZone: string,
): Promise<number> {
  const [already] = await tx.select({ n: count() }).from(orderRequirements)
    .where(and(eq(orderRequirements.tenantId, order.tenantId), eq(orderRequirements.orderId, order.id)));
  if ((already?.n ?? 0) > 0) return already!.n;
  const forms = new Map<string, string>();
  const uploads = new Map<string, { label: string; documentTypeId: string | null }>();
  for (const product of products) {
    for (const f of product.requirements.forms) forms.set(f.templateId, f.title);
    // Two products asking for the same upload ("Photo ID" of the same type) ask for it once.
    for (const u of product.requirements.uploads) uploads.set(`${u.label.trim().toLowerCase()}|${u.documentTypeId ?? ''}`, u);
  }
  if (forms.size === 0 && uploads.size === 0) return 0;
  const settings = await getCommerceSettings(tx, order.tenantId);
  const dueAt = new Date(at.getTime() + settings.requirementsDueDays * 86_400_000);
  const assigned = await assignOrderForms(tx, order.tenantId, {
    patientId: order.patientId, orderId: order.id, templateIds: [...forms.keys()], dueOn: addDays(zonedDate(at, timeZone), settings.requirementsDueDays),
  });
  await tx.insert(orderRequirements).values([
    ...[...forms].map(([templateId, title]) => ({
      tenantId: order.tenantId, orderId: order.id, kind: 'form' as const, label: title, templateId, formAssignmentId: assigned.get(templateId) ?? null, createdAt: at,
    })),
    ...[...uploads.values()].map((u) => ({
      tenantId: order.tenantId, orderId: order.id, kind: 'upload' as const, label: u.label, documentTypeId: u.documentTypeId, createdAt: at,
    })),
  ]);
  await tx.update(orders).set({ requirementsDueAt: dueAt }).where(and(eq(orders.tenantId, order.tenantId), eq(orders.id, order.id)));
  return forms.size + uploads.size;
}

/**
 * Completes a paid order: subscriptions, requirements, the next status (see the file's comment).
 * `savedCardId`: the card the checkout saved for the subscription's renewals, when it knows it.
 */
export async function completePaidOrder(db: Executor, tenantId: string, orderId: string, options: { savedCardId?: string | null } = {}): Promise<CompletedOrder> {
  return db.transaction((tx) => completeLockedOrder(tx, tenantId, orderId, options));
}

/**
 * The `order-processing` job: orders still in processing (paid by a webhook, the bank's check or
 * the reconciliation after the request ended), across clinics, each claimed with FOR UPDATE SKIP
 * LOCKED so runners racing take different orders. One that fails is logged by name and code and
 * left for the next run.
 */
export async function processPaidOrders(db: Database, options: { limit?: number } = {}): Promise<{ ordersProcessed: number; ordersFailed: number }> {
  const limit = options.limit ?? 20;
  let processed = 0;
  let failed = 0;
  const skip = new Set<string>();
  for (let i = 0; i < limit; i += 1) {
    try {
      const claimed = await db.transaction(async (tx) => {
        const [row] = await tx.select({ tenantId: orders.tenantId, id: orders.id }).from(orders)
          .where(eq(orders.status, 'processing'))
          .orderBy(asc(orders.updatedAt), asc(orders.id))
          .limit(1 + skip.size)
          .for('update', { skipLocked: true })
          .then((rows) => rows.filter((r) => !skip.has(r.id)));
        if (!row) return null;
        skip.add(row.id);
        await completeLockedOrder(tx, row.tenantId, row.id);
        return row;
      });
      if (!claimed) break;
      processed += 1;
    } catch (error) {
      failed += 1;
      console.error(`order-processing: an order could not be completed (${errorSummary(error)})`);
    }
  }
  return { ordersProcessed: processed, ordersFailed: failed };
}
