import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { invoices, orderNotes, orders, type Order, type OrderStatus } from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { chargeSavedCard, refundPayment } from '@/lib/billing/desk';
import { voidInvoice } from '@/lib/billing/invoices';
import type { SettledPayment } from '@/lib/billing/settle';
import { now } from '@/lib/clock';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { CommerceAuditActions } from './audit-actions';
import { releaseOrderCoupon } from './checkout';
import { FINAL_ORDER_STATUSES, ORDER_STATUS_LABELS, orderMoveRefusal, UNPAID_ORDER_STATUSES } from './order-status';
import { lockOrder, moveLockedOrder, OrderRuleError, type OrderActor } from './order-transitions';
import { manualOrderMoves, orderAssignees, orderPayments, type OrderPayment } from './orders-staff';
import { getCommerceSettings, orderLabel } from './settings';

/**
 * Orders for staff (issue 17 point 5), changes: move along the state machine, assign, note, retry
 * a failed payment, cancel (not paid) and cancel with a refund (paid). orders.manage; money moves
 * only through lib/billing (the saved card, refunds, voiding the invoice), which checks
 * billing.manage itself. Every refusal says what to do; audit details are ids, numbers, amounts
 * and statuses, never a note, a reason or a product (a product may name a treatment).
 */

const staffActor = (ctx: StaffContext): OrderActor => ({ kind: 'staff', id: ctx.actor.id });
const label = (status: OrderStatus) => ORDER_STATUS_LABELS[status].toLowerCase();

async function readOrder(db: Executor, ctx: StaffContext, orderId: string): Promise<Order> {
  if (!isUuid(orderId)) throw new NotFoundError('order');
  const [order] = await db.select().from(orders).where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.id, orderId)));
  if (!order) throw new NotFoundError('order');
  return order;
}

async function lockOwnOrder(tx: Executor, ctx: StaffContext, orderId: string): Promise<Order> {
  if (!isUuid(orderId)) throw new NotFoundError('order');
  const order = await lockOrder(tx, ctx.tenant.id, orderId);
  if (!order) throw new NotFoundError('order');
  return order;
}

/** Moves the machine allows but that belong to their own action, and where to find it. */
const DEDICATED: Partial<Record<OrderStatus, string>> = {
  processing: 'An order moves to processing when its payment goes through: retry the payment instead.',
  awaiting_payment: 'An order waits for payment only when a charge fails.',
  cancelled: 'Use “Cancel order”: it also voids the invoice and gives the coupon back.',
  refunded: 'Use “Cancel and refund”: it refunds the payments first.',
  shipped: 'Add the shipment’s tracking number: the order moves to shipped with it.',
};

/** "Move to": one of the moves staff make by hand (order-status.ts decides; the history records who). */
export async function moveOrderByStaff(db: Executor, ctx: StaffContext, input: { orderId: string; to: OrderStatus; note: string | null }): Promise<Order> {
  assertPermission(ctx, 'orders.manage');
  return db.transaction(async (tx) => {
    const order = await lockOwnOrder(tx, ctx, input.orderId);
    const refusal = orderMoveRefusal(order.status, input.to);
    if (refusal) throw new OrderRuleError('order-transition', refusal);
    if (!manualOrderMoves(order.status).includes(input.to)) throw new OrderRuleError('order-dedicated-move', DEDICATED[input.to] ?? refusal ?? 'This move is not made by hand.');
    const moved = await moveLockedOrder(tx, order, input.to, staffActor(ctx), input.note);
    await recordAudit(tx, ctx, {
      action: CommerceAuditActions.orderMoved, patientId: order.patientId, target: { type: 'order', id: order.id },
      details: { number: order.number, status: { before: order.status, after: input.to }, withNote: input.note !== null },
    });
    return moved;
  });
}

/** "Assign": a staff member with orders access and/or one of the clinic's teams (null clears each). */
export async function assignOrder(db: Executor, ctx: StaffContext, input: { orderId: string; staffId: string | null; team: string | null }): Promise<void> {
  assertPermission(ctx, 'orders.manage');
  const [people, settings] = await Promise.all([orderAssignees(db, ctx.tenant.id), getCommerceSettings(db, ctx.tenant.id)]);
  if (input.staffId && !people.some((p) => p.id === input.staffId)) {
    throw new RuleError('assignee-unknown', 'Choose a staff member from the list.', { staffId: 'Choose someone who works on orders at this clinic.' });
  }
  if (input.team && !settings.teams.includes(input.team)) {
    throw new RuleError('team-unknown', 'Choose a team from the list.', { team: 'Choose one of the clinic’s teams (CRM → Shop settings).' });
  }
  await db.transaction(async (tx) => {
    const order = await lockOwnOrder(tx, ctx, input.orderId);
    if (order.assignedStaffId === input.staffId && order.assignedTeam === input.team) return;
    await tx.update(orders).set({ assignedStaffId: input.staffId, assignedTeam: input.team, updatedAt: now() })
      .where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.id, order.id)));
    await recordAudit(tx, ctx, {
      action: CommerceAuditActions.orderAssigned, patientId: order.patientId, target: { type: 'order', id: order.id },
      details: { number: order.number, staffId: { before: order.assignedStaffId, after: input.staffId }, team: { before: order.assignedTeam, after: input.team } },
    });
  });
}

/** An internal note (staff only). */
export async function addOrderNote(db: Executor, ctx: StaffContext, input: { orderId: string; body: string }): Promise<void> {
  assertPermission(ctx, 'orders.manage');
  await db.transaction(async (tx) => {
    const order = await lockOwnOrder(tx, ctx, input.orderId);
    const [note] = await tx.insert(orderNotes).values({ tenantId: ctx.tenant.id, orderId: order.id, staffId: ctx.actor.id, body: input.body }).returning({ id: orderNotes.id });
    await recordAudit(tx, ctx, {
      action: CommerceAuditActions.orderNoteAdded, patientId: order.patientId, target: { type: 'order', id: order.id }, details: { number: order.number, noteId: note!.id },
    });
  });
}

/**
 * "Retry payment" for an order whose charge failed: the patient's saved card is charged for what
 * is due on the order's invoice, under their authorisation (lib/billing/desk.ts, which refuses
 * in words when it does not cover it). A success moves the order on through billing's settlement.
 */
export async function retryOrderPayment(db: Executor, ctx: StaffContext, input: { orderId: string; attemptKey: string; amount: number }): Promise<SettledPayment> {
  assertPermission(ctx, 'orders.manage');
  const order = await readOrder(db, ctx, input.orderId);
  if (!UNPAID_ORDER_STATUSES.includes(order.status)) throw new OrderRuleError('retry-not-unpaid', `This order is ${label(order.status)}: there is no payment to retry.`);
  if (!order.invoiceId) throw new OrderRuleError('retry-no-invoice', 'This order has no invoice to charge.');
  if (!hasPermission(ctx, 'billing.manage')) throw new OrderRuleError('retry-needs-billing', 'Charging a card needs permission to take payments. Ask someone with billing access.');
  const payment = await chargeSavedCard(db, ctx, { invoiceId: order.invoiceId, attemptKey: input.attemptKey, amount: input.amount });
  await recordAudit(db, ctx, {
    action: CommerceAuditActions.orderPaymentRetried, patientId: order.patientId, target: { type: 'order', id: order.id },
    details: { number: order.number, paymentId: payment.id, status: payment.status, amount: input.amount },
  });
  return payment;
}

/**
 * "Cancel order" before it is paid: its open invoice is voided (nothing is owed on it any more),
 * the order moves to cancelled with the reason, and its coupon is given back. The invoice is
 * locked before the order, as billing's settlement does, so a payment arriving meanwhile either
 * lands first (and the order is paid: refused) or finds the invoice void.
 */
export async function cancelOrder(db: Executor, ctx: StaffContext, input: { orderId: string; reason: string }): Promise<{ invoiceVoided: boolean }> {
  assertPermission(ctx, 'orders.manage');
  const order = await readOrder(db, ctx, input.orderId);
  refuseCancel(order);
  return db.transaction(async (tx) => {
    let invoiceVoided = false;
    if (order.invoiceId) {
      const [invoice] = await tx.select({ id: invoices.id, status: invoices.status }).from(invoices)
        .where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, order.invoiceId)));
      if (invoice && (invoice.status === 'open' || invoice.status === 'partially_paid')) {
        if (!hasPermission(ctx, 'billing.manage')) {
          throw new OrderRuleError('cancel-needs-billing', 'Cancelling voids the order’s invoice, which needs permission to change billing. Ask someone with billing access.');
        }
        await voidInvoice(tx, ctx, invoice.id, `Order ${orderLabel(order.number)} cancelled.`);
        invoiceVoided = true;
      }
    }
    const locked = await lockOwnOrder(tx, ctx, order.id);
    refuseCancel(locked);
    await tx.update(orders).set({ cancelReason: input.reason }).where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.id, locked.id)));
    await moveLockedOrder(tx, locked, 'cancelled', staffActor(ctx), input.reason);
    await releaseOrderCoupon(tx, ctx.tenant.id, locked.id);
    await recordAudit(tx, ctx, {
      action: CommerceAuditActions.orderCancelled, patientId: locked.patientId, target: { type: 'order', id: locked.id },
      details: { number: locked.number, status: { before: locked.status, after: 'cancelled' }, invoiceVoided, refunded: 0 },
    });
    return { invoiceVoided };
  });
}

function refuseCancel(order: Order): void {
  if (UNPAID_ORDER_STATUSES.includes(order.status)) return;
  if (FINAL_ORDER_STATUSES.includes(order.status)) throw new OrderRuleError('order-closed', `This order is already ${label(order.status)}.`);
  throw new OrderRuleError('order-paid', 'This order has been paid: cancel it with a refund instead.');
}

/** One refund key per payment from the form's one attempt key (a UUID, as lib/billing/desk.ts requires). */
function paymentAttemptKey(attemptKey: string, paymentId: string): string {
  const h = createHash('sha256').update(`${attemptKey}:${paymentId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const left = (p: OrderPayment) => p.amount - p.refunded - p.refundPending;

/** How it ended: closed as refunded, or waiting for the card provider to confirm a refund. Amounts in `currency`. */
export interface CancelRefundOutcome { state: 'refunded' | 'waiting'; refunded: number; currency: string }

/**
 * "Cancel and refund" a paid order: every payment of its invoice is refunded in full through
 * billing (each under a key made from the form's attempt key, so a resent form refunds nothing
 * twice), crediting the invoice, then the order moves to refunded with the reason. A refund the
 * card provider has not confirmed yet leaves the order as it is, with a sentence saying so;
 * pressing again once it is confirmed finishes (nothing is refunded twice).
 */
export async function cancelAndRefundOrder(db: Executor, ctx: StaffContext, input: { orderId: string; attemptKey: string; reason: string }): Promise<CancelRefundOutcome> {
  assertPermission(ctx, 'orders.manage');
  const order = await readOrder(db, ctx, input.orderId);
  refuseRefund(order);
  const before = order.invoiceId ? await orderPayments(db, ctx.tenant.id, order.invoiceId) : [];
  if (before.some((p) => p.status === 'pending' || p.status === 'requires_action')) {
    throw new OrderRuleError('payment-in-progress', 'A payment of this order is still being processed. Wait until it finishes, then try again.');
  }
  const toRefund = before.filter((p) => p.status === 'succeeded' && left(p) > 0);
  const shared = toRefund.find((p) => p.invoiceCount > 1);
  if (shared) {
    throw new OrderRuleError('payment-shared', `Payment ${shared.receiptLabel ?? 'of this order'} also paid other invoices: refund this order’s part from the patient’s billing, then cancel again.`);
  }
  if (toRefund.length > 0 && !hasPermission(ctx, 'billing.manage')) {
    throw new OrderRuleError('refund-needs-billing', 'Refunding needs permission to take payments and refund. Ask someone with billing access.');
  }
  let refunded = 0;
  for (const p of toRefund) {
    const amount = left(p);
    const result = await refundPayment(db, ctx, p.id, { attemptKey: paymentAttemptKey(input.attemptKey, p.id), amount, reason: input.reason, creditInvoice: true });
    if (result.status === 'failed') {
      throw new OrderRuleError('refund-failed', `The card provider refused the refund of ${p.receiptLabel ?? 'a payment'}: ${result.failureMessage ?? 'no reason given'} The order is unchanged.`);
    }
    if (result.status === 'succeeded') refunded += amount;
  }
  const after = order.invoiceId ? await orderPayments(db, ctx.tenant.id, order.invoiceId) : [];
  if (after.some((p) => p.status === 'succeeded' && p.refundPending > 0)) return { state: 'waiting', refunded, currency: order.currency };

  return db.transaction(async (tx) => {
    const locked = await lockOwnOrder(tx, ctx, order.id);
    refuseRefund(locked);
    await tx.update(orders).set({ cancelReason: input.reason }).where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.id, locked.id)));
    await moveLockedOrder(tx, locked, 'refunded', staffActor(ctx), input.reason);
    await recordAudit(tx, ctx, {
      action: CommerceAuditActions.orderCancelled, patientId: locked.patientId, target: { type: 'order', id: locked.id },
      details: { number: locked.number, status: { before: locked.status, after: 'refunded' }, refunded, payments: toRefund.map((p) => p.id) },
    });
    return { state: 'refunded' as const, refunded, currency: order.currency };
  });
}

function refuseRefund(order: Order): void {
  if (order.status === 'refunded') throw new OrderRuleError('order-refunded', `Order ${orderLabel(order.number)} has already been refunded.`);
  if (order.status === 'cancelled') throw new OrderRuleError('order-closed', 'This order was cancelled before it was paid: there is nothing to refund.');
  if (UNPAID_ORDER_STATUSES.includes(order.status)) throw new OrderRuleError('order-unpaid', 'This order has not been paid: cancel it instead.');
}
