import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { orders, orderStatusHistory, type Order, type OrderStatus } from '@/db/schema';
import { now } from '@/lib/clock';
import { asTransaction, recordEvent, recordEvents } from '@/lib/engagement/events';
import { RuleError } from '@/lib/kernel/errors';
import { FINAL_ORDER_STATUSES, orderMoveRefusal, UNPAID_ORDER_STATUSES } from './order-status';

/**
 * The only writer of `orders.status`. Every move is checked against the state machine
 * (order-status.ts) under the order's row lock and recorded in order_status_history with who and
 * when, and as the clinic's order.status_changed event. Imports nothing of billing, so billing's settlement can call it (no import cycle).
 */

export type OrderActor = { kind: 'staff' | 'patient' | 'system'; id?: string | null };

export class OrderRuleError extends RuleError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'OrderRuleError';
  }
}

/** Locks one order of the clinic (FOR UPDATE); null when there is none. */
export async function lockOrder(tx: Executor, tenantId: string, orderId: string): Promise<Order | null> {
  const [row] = await tx.select().from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId))).for('update');
  return row ?? null;
}

/**
 * Moves a locked order (the caller holds its lock, inside its transaction) and records the move.
 * Throws OrderRuleError with the reason when the state machine does not allow it.
 */
export async function moveLockedOrder(tx: Executor, order: Order, to: OrderStatus, actor: OrderActor, note: string | null = null): Promise<Order> {
  const refusal = orderMoveRefusal(order.status, to);
  if (refusal) throw new OrderRuleError('order-transition', refusal);
  const at = now();
  const [updated] = await tx.update(orders)
    .set({
      status: to,
      statusSince: at,
      updatedAt: at,
      ...(to === 'processing' && !order.paidAt ? { paidAt: at } : {}),
      ...(FINAL_ORDER_STATUSES.includes(to) || to === 'completed' ? { closedAt: at } : {}),
    })
    .where(and(eq(orders.tenantId, order.tenantId), eq(orders.id, order.id), eq(orders.status, order.status)))
    .returning();
  if (!updated) throw new Error('order-transitions: the order changed under its lock');
  await tx.insert(orderStatusHistory).values({
    tenantId: order.tenantId, orderId: order.id, fromStatus: order.status, toStatus: to,
    actorKind: actor.kind, actorId: actor.id ?? null, note, occurredAt: at,
  });
  await recordEvent(asTransaction(tx, 'order.status_changed'), order.tenantId, {
    name: 'order.status_changed', patientId: order.patientId, subject: { orderId: order.id, from: order.status, to }, actor, at,
  });
  return updated;
}

/**
 * moveLockedOrder for many locked orders of the renewal job's pass, in three statements (the
 * orders, their history, their events): the same checks, rows and events. Every order must be
 * allowed the move; returns the orders as moved.
 */
export async function moveLockedOrders(tx: Executor, locked: readonly Order[], to: OrderStatus, actor: OrderActor): Promise<Order[]> {
  if (locked.length === 0) return [];
  for (const order of locked) {
    const refusal = orderMoveRefusal(order.status, to);
    if (refusal) throw new OrderRuleError('order-transition', refusal);
  }
  const at = now();
  const closes = FINAL_ORDER_STATUSES.includes(to) || to === 'completed';
  const values = sql.join(locked.map((o) => sql`(${o.tenantId}::uuid, ${o.id}::uuid, ${o.status}::text, ${to === 'processing' && !o.paidAt}::boolean)`), sql`, `);
  const updated = await tx.update(orders)
    .set({
      status: to,
      statusSince: at,
      updatedAt: at,
      paidAt: sql`case when v.sets_paid then ${at.toISOString()}::timestamptz else ${orders.paidAt} end`,
      ...(closes ? { closedAt: at } : {}),
    })
    .from(sql`(values ${values}) as v(tenant_id, id, from_status, sets_paid)`)
    .where(sql`${orders.tenantId} = v.tenant_id and ${orders.id} = v.id and ${orders.status} = v.from_status`)
    .returning({ id: orders.id });
  if (updated.length !== locked.length) throw new Error('order-transitions: an order changed under its lock');
  await tx.insert(orderStatusHistory).values(locked.map((order) => ({
    tenantId: order.tenantId, orderId: order.id, fromStatus: order.status, toStatus: to, actorKind: actor.kind, actorId: actor.id ?? null, note: null, occurredAt: at,
  })));
  await recordEvents(asTransaction(tx, 'order.status_changed'), locked.map((order) => ({
    tenantId: order.tenantId,
    input: { name: 'order.status_changed' as const, patientId: order.patientId, subject: { orderId: order.id, from: order.status, to }, actor, at },
  })));
  return locked.map((o) => ({
    ...o, status: to, statusSince: at, updatedAt: at, paidAt: to === 'processing' && !o.paidAt ? at : o.paidAt, ...(closes ? { closedAt: at } : {}),
  }));
}

/** Records many orders' first status (their creation) in one statement. */
export async function recordOrdersCreated(tx: Executor, created: readonly Pick<Order, 'tenantId' | 'id' | 'status'>[], actor: OrderActor): Promise<void> {
  if (created.length === 0) return;
  await tx.insert(orderStatusHistory).values(created.map((order) => ({
    tenantId: order.tenantId, orderId: order.id, fromStatus: null, toStatus: order.status, actorKind: actor.kind, actorId: actor.id ?? null,
  })));
}

/** Locks and moves one order in its own transaction (or the caller's). */
export async function moveOrder(db: Executor, tenantId: string, orderId: string, to: OrderStatus, actor: OrderActor, note: string | null = null): Promise<Order> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, tenantId, orderId);
    if (!order) throw new OrderRuleError('order-missing', 'This order no longer exists.');
    return moveLockedOrder(tx, order, to, actor, note);
  });
}

/** Records an order's first status (its creation) in the history. */
export async function recordOrderCreated(tx: Executor, order: Pick<Order, 'tenantId' | 'id' | 'status'>, actor: OrderActor): Promise<void> {
  await tx.insert(orderStatusHistory).values({ tenantId: order.tenantId, orderId: order.id, fromStatus: null, toStatus: order.status, actorKind: actor.kind, actorId: actor.id ?? null });
}

/**
 * Billing's settlement tells orders about their invoices: an unpaid order whose invoice is now
 * paid moves to processing (the commerce job then makes its requirements), and one whose charge
 * failed moves to awaiting payment. Called inside the settling transaction; a repeat does nothing.
 */
export async function syncOrdersWithPayment(tx: Executor, tenantId: string, invoiceIds: readonly string[], outcome: 'paid' | 'failed', actor: OrderActor): Promise<number> {
  if (invoiceIds.length === 0) return 0;
  const rows = await tx.select().from(orders)
    .where(and(eq(orders.tenantId, tenantId), inArray(orders.invoiceId, [...invoiceIds]), inArray(orders.status, [...UNPAID_ORDER_STATUSES])))
    .orderBy(orders.id)
    .for('update');
  let moved = 0;
  for (const order of rows) {
    if (outcome === 'failed' && order.status === 'awaiting_payment') continue;
    await moveLockedOrder(tx, order, outcome === 'paid' ? 'processing' : 'awaiting_payment', actor);
    moved += 1;
  }
  return moved;
}

/**
 * syncOrdersWithPayment's 'paid' for many invoices at once (the renewal job's settlement): their
 * unpaid orders, locked in id order, move to processing together. Returns the orders as moved
 * (still locked by the caller's transaction).
 */
export async function syncOrdersWithPaidInvoices(tx: Executor, tenantId: string, invoiceIds: readonly string[], actor: OrderActor): Promise<Order[]> {
  if (invoiceIds.length === 0) return [];
  const rows = await tx.select().from(orders)
    .where(and(eq(orders.tenantId, tenantId), inArray(orders.invoiceId, [...invoiceIds]), inArray(orders.status, [...UNPAID_ORDER_STATUSES])))
    .orderBy(orders.id)
    .for('update');
  return moveLockedOrders(tx, rows, 'processing', actor);
}
