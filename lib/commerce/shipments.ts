import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { orders, shipments, type Carrier, type Order, type Shipment, type ShipmentStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { PG, postgresErrorCode, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { enqueueOrderNotice } from '@/lib/notifications/order-notifications';
import { CommerceAuditActions } from './audit-actions';
import { FINAL_ORDER_STATUSES, ORDER_STATUS_LABELS } from './order-status';
import { lockOrder, moveLockedOrder, OrderRuleError } from './order-transitions';
import { orderLabel } from './settings';
import {
  CARRIER_LABELS, normalizeTrackingNumber, parseCarrier, parseOrderNumber, parseShipmentCsv, parseShipmentStatus, SHIPMENT_STATUS_LABELS, trackingNumberProblem,
} from './tracking';

/**
 * Shipments (issue 17 point 6): added to an order with the carrier's tracking number (the order
 * moves from awaiting fulfilment to shipped), their status changed by hand or by a CSV import,
 * and delivery moving the order to delivered once every package has arrived. The patient is told
 * through the outbox when a package ships and when it is delivered, once each (the event names
 * the shipment). orders.manage; a tracking number is unique per carrier in a clinic, which is
 * also what makes importing the same file twice change nothing.
 */

/** Statuses in which an order can take a shipment: ready to ship, or already shipping (another package). */
const SHIPPABLE = ['awaiting_fulfilment', 'shipped'] as const;
const IMPORT_EXCEPTION_NOTE = 'Marked as an exception in a CSV import.';
const NOT_TEXT = 'The file has characters that are not text. Save it as CSV (UTF-8) and try again.';

function notReady(order: Order): string {
  const status = ORDER_STATUS_LABELS[order.status].toLowerCase();
  if (FINAL_ORDER_STATUSES.includes(order.status)) return `Order ${orderLabel(order.number)} is ${status}: it does not ship.`;
  return `Order ${orderLabel(order.number)} is ${status}: move it to awaiting fulfilment before it ships.`;
}

async function lockOwnOrder(tx: Executor, tenantId: string, orderId: string): Promise<Order> {
  const order = await lockOrder(tx, tenantId, orderId);
  if (!order) throw new NotFoundError('order');
  return order;
}

/**
 * Adds a package to a locked order (ready to ship or shipped) and moves it to shipped; queues the
 * "shipped" notice. Returns the order as it now is.
 */
async function shipLockedOrder(
  tx: Executor, ctx: StaffContext, order: Order, input: { carrier: Carrier; trackingNumber: string; status: ShipmentStatus; note?: string | null },
): Promise<{ order: Order; shipment: Shipment }> {
  const at = now();
  const [shipment] = await tx.insert(shipments).values({
    tenantId: order.tenantId, orderId: order.id, carrier: input.carrier, trackingNumber: input.trackingNumber, status: input.status,
    exceptionNote: input.status === 'exception' ? input.note ?? IMPORT_EXCEPTION_NOTE : null, shippedAt: at, deliveredAt: input.status === 'delivered' ? at : null,
    createdById: ctx.actor.id, createdAt: at, updatedAt: at,
  }).returning();
  let current = order;
  if (current.status === 'awaiting_fulfilment') current = await moveLockedOrder(tx, current, 'shipped', { kind: 'staff', id: ctx.actor.id });
  await enqueueOrderNotice(tx, {
    tenantId: order.tenantId, patientId: order.patientId, orderId: order.id, orderLabel: orderLabel(order.number), kind: 'shipped', event: `order:shipped:${shipment!.id}`,
  });
  await recordAudit(tx, ctx, {
    action: CommerceAuditActions.shipmentSaved, patientId: order.patientId, target: { type: 'shipment', id: shipment!.id },
    details: { orderId: order.id, number: order.number, carrier: input.carrier, status: { before: null, after: input.status } },
  });
  if (input.status === 'delivered') current = await afterDelivery(tx, ctx, current, shipment!);
  return { order: current, shipment: shipment! };
}

/** A package arrived: the patient is told, and the order is delivered once every package is. */
async function afterDelivery(tx: Executor, ctx: StaffContext, order: Order, shipment: Shipment): Promise<Order> {
  await enqueueOrderNotice(tx, {
    tenantId: order.tenantId, patientId: order.patientId, orderId: order.id, orderLabel: orderLabel(order.number), kind: 'delivered', event: `order:delivered:${shipment.id}`,
  });
  if (order.status !== 'shipped') return order;
  const [open] = await tx.select({ n: sql<number>`count(*)::int` }).from(shipments)
    .where(and(eq(shipments.tenantId, order.tenantId), eq(shipments.orderId, order.id), sql`${shipments.status} <> 'delivered'`));
  return open!.n === 0 ? moveLockedOrder(tx, order, 'delivered', { kind: 'staff', id: ctx.actor.id }) : order;
}

/** Changes a shipment of a locked order; null when it already had that status (and note). */
async function setShipmentStatus(
  tx: Executor, ctx: StaffContext, order: Order, shipment: Shipment, status: ShipmentStatus, note: string | null,
): Promise<Order | null> {
  if (shipment.status === status && (status !== 'exception' || note === null || note === shipment.exceptionNote)) return null;
  if (shipment.status === 'delivered') throw new OrderRuleError('shipment-delivered', 'This package was delivered: its status can no longer change.');
  if (FINAL_ORDER_STATUSES.includes(order.status)) {
    throw new OrderRuleError('order-closed', `Order ${orderLabel(order.number)} is ${ORDER_STATUS_LABELS[order.status].toLowerCase()}: its shipments can no longer change.`);
  }
  const at = now();
  await tx.update(shipments).set({
    status, exceptionNote: status === 'exception' ? note ?? IMPORT_EXCEPTION_NOTE : null, deliveredAt: status === 'delivered' ? at : null, updatedAt: at,
  }).where(and(eq(shipments.tenantId, order.tenantId), eq(shipments.id, shipment.id)));
  await recordAudit(tx, ctx, {
    action: CommerceAuditActions.shipmentSaved, patientId: order.patientId, target: { type: 'shipment', id: shipment.id },
    details: { orderId: order.id, number: order.number, carrier: shipment.carrier, status: { before: shipment.status, after: status } },
  });
  return status === 'delivered' ? afterDelivery(tx, ctx, order, { ...shipment, status }) : order;
}

function duplicateTracking(existing: { orderId: string; number: number } | undefined, orderId: string): RuleError {
  const message = !existing ? 'This tracking number is already on another order.'
    : existing.orderId === orderId ? 'This tracking number is already on this order.'
      : `This tracking number is already on order ${orderLabel(existing.number)}.`;
  return new RuleError('tracking-duplicate', 'Check the tracking number.', { trackingNumber: message });
}

async function findTracking(db: Executor, tenantId: string, carrier: Carrier, trackingNumber: string) {
  const [row] = await db.select({ orderId: shipments.orderId, number: orders.number }).from(shipments)
    .innerJoin(orders, and(eq(orders.tenantId, shipments.tenantId), eq(orders.id, shipments.orderId)))
    .where(and(eq(shipments.tenantId, tenantId), eq(shipments.carrier, carrier), eq(shipments.trackingNumber, trackingNumber)));
  return row;
}

/** "Add shipment": the order must be ready to ship (or already shipping another package). */
export async function addShipment(db: Executor, ctx: StaffContext, input: { orderId: string; carrier: Carrier; trackingNumber: string }): Promise<{ shipmentId: string; shipped: boolean }> {
  assertPermission(ctx, 'orders.manage');
  if (!isUuid(input.orderId)) throw new NotFoundError('order');
  const trackingNumber = normalizeTrackingNumber(input.trackingNumber);
  const problem = trackingNumberProblem(input.carrier, trackingNumber);
  if (problem) throw new RuleError('tracking-invalid', 'Check the tracking number.', { trackingNumber: problem });
  try {
    return await db.transaction(async (tx) => {
      const order = await lockOwnOrder(tx, ctx.tenant.id, input.orderId);
      if (!(SHIPPABLE as readonly string[]).includes(order.status)) throw new OrderRuleError('order-not-ready', notReady(order));
      const taken = await findTracking(tx, ctx.tenant.id, input.carrier, trackingNumber);
      if (taken) throw duplicateTracking(taken, order.id);
      const shipped = await shipLockedOrder(tx, ctx, order, { carrier: input.carrier, trackingNumber, status: 'label_created' });
      return { shipmentId: shipped.shipment.id, shipped: order.status !== shipped.order.status };
    });
  } catch (error) {
    // Two people adding the same number at once: the unique index decides.
    if (postgresErrorCode(error) === PG.uniqueViolation) throw duplicateTracking(await findTracking(db, ctx.tenant.id, input.carrier, trackingNumber), input.orderId);
    throw error;
  }
}

/** "Update status": delivered moves the order to delivered (once every package is); an exception keeps its note. */
export async function updateShipmentStatus(db: Executor, ctx: StaffContext, input: { shipmentId: string; status: ShipmentStatus; note: string | null }): Promise<{ changed: boolean; orderStatus: Order['status'] }> {
  assertPermission(ctx, 'orders.manage');
  if (!isUuid(input.shipmentId)) throw new NotFoundError('shipment');
  return db.transaction(async (tx) => {
    const [found] = await tx.select({ orderId: shipments.orderId }).from(shipments).where(and(eq(shipments.tenantId, ctx.tenant.id), eq(shipments.id, input.shipmentId)));
    if (!found) throw new NotFoundError('shipment');
    // The order first, as everywhere: its lock covers its shipments.
    const order = await lockOwnOrder(tx, ctx.tenant.id, found.orderId);
    const [shipment] = await tx.select().from(shipments).where(and(eq(shipments.tenantId, ctx.tenant.id), eq(shipments.id, input.shipmentId)));
    if (!shipment || shipment.orderId !== order.id) throw new NotFoundError('shipment');
    if (input.status === 'exception' && !input.note) throw new RuleError('exception-note', 'Say what went wrong.', { note: 'Say what went wrong with the shipment.' });
    const after = await setShipmentStatus(tx, ctx, order, shipment, input.status, input.note);
    return { changed: after !== null, orderStatus: (after ?? order).status };
  });
}

// ---------------------------------------------------------------------------------------------
// The CSV import: preview, then apply in one transaction

export type ImportAction = 'add' | 'update' | 'unchanged' | 'skip';

export interface ImportRowPlan {
  line: number;
  orderNumber: string;
  orderLabel: string | null;
  carrier: string;
  trackingNumber: string;
  status: string | null;
  action: ImportAction;
  problems: string[];
}

interface PlannedRow extends ImportRowPlan {
  order?: Order;
  parsed?: { carrier: Carrier; trackingNumber: string; status: ShipmentStatus | null; existing: Shipment | undefined };
}

export interface ImportPlan {
  rows: ImportRowPlan[];
  counts: Record<ImportAction, number>;
}

/**
 * What each row would do, against the clinic's orders and shipments as `db` sees them (inside
 * the apply's transaction, with the orders locked). A row with a problem is skipped; rows that
 * would change nothing say so.
 */
async function planImport(db: Executor, tenantId: string, csv: string, lock: boolean): Promise<PlannedRow[]> {
  // Bytes that are not text (a NUL cannot reach Postgres): refused as a whole, like a wrong header.
  if (csv.includes('\u0000')) throw new RuleError('import-file', NOT_TEXT, { file: NOT_TEXT });
  const parsed = parseShipmentCsv(csv);
  if (!parsed.ok) throw new RuleError('import-file', parsed.problem, { file: parsed.problem });
  const numbers = [...new Set(parsed.rows.map((r) => parseOrderNumber(r.orderNumber)).filter((n): n is number => n !== null))];
  const orderQuery = db.select().from(orders).where(and(eq(orders.tenantId, tenantId), inArray(orders.number, numbers.length ? numbers : [0]))).orderBy(asc(orders.id));
  const orderRows = lock ? await orderQuery.for('update') : await orderQuery;
  const byNumber = new Map(orderRows.map((o) => [o.number, o]));
  // Only numbers that can be stored are looked up (the others are a row's problem anyway).
  const pairs = parsed.rows.map((r) => ({ carrier: parseCarrier(r.carrier), tracking: normalizeTrackingNumber(r.trackingNumber) }))
    .filter((p) => p.carrier && trackingNumberProblem(p.carrier, p.tracking) === null);
  const trackings = [...new Set(pairs.map((p) => p.tracking))];
  const existingRows = trackings.length === 0 ? [] : await db.select().from(shipments)
    .where(and(eq(shipments.tenantId, tenantId), inArray(shipments.trackingNumber, trackings)));
  const existingByKey = new Map(existingRows.map((s) => [`${s.carrier}:${s.trackingNumber}`, s]));
  const orderById = new Map([...orderRows, ...(await ordersOf(db, tenantId, existingRows.map((s) => s.orderId).filter((id) => !orderRows.some((o) => o.id === id))))].map((o) => [o.id, o]));
  const seen = new Map<string, number>();

  return parsed.rows.map((r): PlannedRow => {
    const problems: string[] = [];
    const number = parseOrderNumber(r.orderNumber);
    const order = number === null ? undefined : byNumber.get(number);
    const carrier = parseCarrier(r.carrier);
    const trackingNumber = normalizeTrackingNumber(r.trackingNumber);
    const status = r.status === '' ? null : parseShipmentStatus(r.status);
    if (number === null) problems.push(`“${r.orderNumber}” is not an order number (ORD-000012 or 12).`);
    else if (!order) problems.push(`No order ${orderLabel(number)} in this clinic.`);
    if (!carrier) problems.push(`Unknown carrier “${r.carrier}”: use USPS, UPS, FedEx, DHL or Other.`);
    const numberProblem = carrier ? trackingNumberProblem(carrier, trackingNumber) : trackingNumber ? null : 'Enter the tracking number.';
    if (numberProblem) problems.push(numberProblem);
    if (r.status !== '' && !status) problems.push(`Unknown status “${r.status}”: use label created, in transit, out for delivery, delivered or exception.`);
    const key = `${carrier}:${trackingNumber}`;
    const existing = carrier ? existingByKey.get(key) : undefined;
    if (carrier && trackingNumber) {
      const earlier = seen.get(key);
      if (earlier !== undefined) problems.push(`The same tracking number as line ${earlier}.`);
      else seen.set(key, r.line);
    }
    let action: ImportAction = 'skip';
    if (problems.length === 0 && order && carrier) {
      if (existing && existing.orderId !== order.id) {
        problems.push(`This tracking number is already on order ${orderLabel(orderById.get(existing.orderId)?.number ?? 0)}.`);
      } else if (existing) {
        if (status === null || status === existing.status) action = 'unchanged';
        else if (existing.status === 'delivered') problems.push('This package was delivered: its status can no longer change.');
        else if (FINAL_ORDER_STATUSES.includes(order.status)) problems.push(notReady(order));
        else action = 'update';
      } else if (!(SHIPPABLE as readonly string[]).includes(order.status)) problems.push(notReady(order));
      else action = 'add';
    }
    return {
      line: r.line, orderNumber: r.orderNumber, orderLabel: order ? orderLabel(order.number) : null,
      carrier: carrier ? CARRIER_LABELS[carrier] : r.carrier, trackingNumber: trackingNumber || r.trackingNumber,
      status: status ? SHIPMENT_STATUS_LABELS[status] : r.status || null,
      action: problems.length ? 'skip' : action, problems, order,
      parsed: carrier ? { carrier, trackingNumber, status, existing } : undefined,
    };
  });
}

async function ordersOf(db: Executor, tenantId: string, ids: string[]): Promise<Order[]> {
  if (ids.length === 0) return [];
  return db.select().from(orders).where(and(eq(orders.tenantId, tenantId), inArray(orders.id, [...new Set(ids)])));
}

function summary(rows: PlannedRow[]): ImportPlan {
  const counts: Record<ImportAction, number> = { add: 0, update: 0, unchanged: 0, skip: 0 };
  for (const r of rows) counts[r.action] += 1;
  return { rows: rows.map(({ order: _o, parsed: _p, ...row }) => row), counts };
}

/** "Preview": what importing the file would do, row by row. Nothing is written. */
export async function previewShipmentImport(db: Executor, ctx: StaffContext, csv: string): Promise<ImportPlan> {
  assertPermission(ctx, 'orders.manage');
  return summary(await planImport(db, ctx.tenant.id, csv, false));
}

/**
 * "Import": applies the rows without problems in one transaction (the file's orders locked, so
 * the plan holds while it is applied) and skips the others. Importing the same file again finds
 * every shipment already there: nothing changes, nothing is sent, nothing is audited.
 */
export async function applyShipmentImport(db: Executor, ctx: StaffContext, csv: string): Promise<ImportPlan> {
  assertPermission(ctx, 'orders.manage');
  return db.transaction(async (tx) => {
    const rows = await planImport(tx, ctx.tenant.id, csv, true);
    const current = new Map<string, Order>();
    for (const row of rows) {
      if ((row.action !== 'add' && row.action !== 'update') || !row.order || !row.parsed) continue;
      const order = current.get(row.order.id) ?? row.order;
      const { carrier, trackingNumber, status, existing } = row.parsed;
      if (row.action === 'add') {
        current.set(order.id, (await shipLockedOrder(tx, ctx, order, { carrier, trackingNumber, status: status ?? 'label_created' })).order);
      } else if (existing && status) {
        current.set(order.id, (await setShipmentStatus(tx, ctx, order, existing, status, null)) ?? order);
      }
    }
    const plan = summary(rows);
    if (plan.counts.add + plan.counts.update > 0) {
      await recordAudit(tx, ctx, {
        action: CommerceAuditActions.shipmentsImported, target: { type: 'clinic', id: ctx.tenant.id },
        details: { added: plan.counts.add, updated: plan.counts.update, unchanged: plan.counts.unchanged, skipped: plan.counts.skip },
      });
    }
    return plan;
  });
}
