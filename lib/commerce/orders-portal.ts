import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { formAssignments, orderLines, orderRequirements, orders, shipments, type OrderStatus } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { CommerceAuditActions } from './audit-actions';
import { orderLabel } from './settings';
import { trackingUrl } from './tracking';

/**
 * The patient's orders in the portal (issue 17 point 7): the selected patient's orders only (a
 * parent sees the child they act for, never their own orders at the same time), each with its
 * lines, the requirements still to do with where to do them, and its packages with the carrier's
 * tracking link. Staff-only words stay out: internal notes, the cancel reason, who it is
 * assigned to, the status history's notes. Another patient's or clinic's order is not found.
 */

export const PORTAL_ORDERS_LIMIT = 100;

export interface PortalOrderSummary {
  id: string;
  label: string;
  status: OrderStatus;
  createdAt: Date;
  total: number;
  currency: string;
  /** Forms and uploads the patient still has to do for it. */
  openRequirements: number;
}

/** The selected patient's orders, newest first (the latest PORTAL_ORDERS_LIMIT). */
export async function listPortalOrders(db: Executor, ctx: PortalContext): Promise<PortalOrderSummary[]> {
  await assertPortalArea(db, ctx, 'orders');
  const rows = await db.select({
    id: orders.id, number: orders.number, status: orders.status, createdAt: orders.createdAt, total: orders.total, currency: orders.currency,
    openRequirements: sql<number>`(select count(*) from ${orderRequirements} r where r.tenant_id = orders.tenant_id and r.order_id = orders.id and r.completed_at is null)::int`,
  }).from(orders)
    .where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.patientId, ctx.patient.id)))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(PORTAL_ORDERS_LIMIT);
  return rows.map(({ number, ...r }) => ({ ...r, label: orderLabel(number) }));
}

/**
 * Where the patient completes a requirement: a form at its own page in the portal, an upload at
 * the checkout's upload page for the order (/portal/shop/checkout/[orderId]/uploads/[id], read
 * through lib/commerce/requirements.ts). Null once nothing is left to do or the form's
 * assignment was withdrawn.
 */
function requirementHref(orderId: string, r: { id: string; kind: 'form' | 'upload'; formAssignmentId: string | null; assignmentStatus: string | null; completedAt: Date | null }): string | null {
  if (r.completedAt) return null;
  if (r.kind === 'form') {
    return r.formAssignmentId && (r.assignmentStatus === 'assigned' || r.assignmentStatus === 'in_progress') ? `/portal/forms/${r.formAssignmentId}` : null;
  }
  return `/portal/shop/checkout/${orderId}/uploads/${r.id}`;
}

/** One order of the selected patient, audited as read (ids and the number only). */
export async function getPortalOrder(db: Executor, ctx: PortalContext, orderId: string) {
  await assertPortalArea(db, ctx, 'orders');
  if (!isUuid(orderId)) throw new NotFoundError('order');
  const [order] = await db.select().from(orders)
    .where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.patientId, ctx.patient.id), eq(orders.id, orderId)));
  if (!order) throw new NotFoundError('order');
  const [lines, requirements, packages] = await Promise.all([
    db.select({
      id: orderLines.id, description: orderLines.description, quantity: orderLines.quantity, unitAmount: orderLines.unitAmount,
      discountAmount: orderLines.discountAmount, taxAmount: orderLines.taxAmount, total: orderLines.total, cycleNumber: orderLines.cycleNumber,
    }).from(orderLines).where(and(eq(orderLines.tenantId, ctx.tenant.id), eq(orderLines.orderId, order.id))).orderBy(asc(orderLines.position)),
    db.select({
      id: orderRequirements.id, kind: orderRequirements.kind, label: orderRequirements.label, completedAt: orderRequirements.completedAt,
      formAssignmentId: orderRequirements.formAssignmentId, assignmentStatus: formAssignments.status,
    }).from(orderRequirements)
      .leftJoin(formAssignments, and(eq(formAssignments.tenantId, orderRequirements.tenantId), eq(formAssignments.id, orderRequirements.formAssignmentId)))
      .where(and(eq(orderRequirements.tenantId, ctx.tenant.id), eq(orderRequirements.orderId, order.id)))
      .orderBy(asc(orderRequirements.createdAt), asc(orderRequirements.id)),
    db.select({
      id: shipments.id, carrier: shipments.carrier, trackingNumber: shipments.trackingNumber, status: shipments.status,
      shippedAt: shipments.shippedAt, deliveredAt: shipments.deliveredAt,
    }).from(shipments).where(and(eq(shipments.tenantId, ctx.tenant.id), eq(shipments.orderId, order.id))).orderBy(asc(shipments.createdAt), asc(shipments.id)),
  ]);
  await recordAudit(db, ctx, {
    action: CommerceAuditActions.orderViewed, patientId: order.patientId, target: { type: 'order', id: order.id }, details: { area: 'portal', number: order.number },
  });
  return {
    id: order.id, label: orderLabel(order.number), status: order.status, createdAt: order.createdAt, paidAt: order.paidAt,
    currency: order.currency, subtotal: order.subtotal, discountTotal: order.discountTotal, taxTotal: order.taxTotal, total: order.total,
    invoiceId: order.invoiceId,
    shipTo: order.shipLine1 ? { name: order.shipName, line1: order.shipLine1, line2: order.shipLine2, city: order.shipCity, region: order.shipRegion, postalCode: order.shipPostalCode, country: order.shipCountry } : null,
    lines,
    requirements: requirements.map((r) => ({ id: r.id, kind: r.kind, label: r.label, done: r.completedAt !== null, href: requirementHref(order.id, r) })),
    shipments: packages.map((s) => ({ ...s, trackingUrl: trackingUrl(s.carrier, s.trackingNumber) })),
  };
}
export type PortalOrderDetail = Awaited<ReturnType<typeof getPortalOrder>>;
