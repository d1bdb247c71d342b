import 'server-only';
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { formAssignments, orderRequirements, orders, type AssignmentStatus, type OrderStatus, type RequirementKind } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { CommerceAuditActions } from './audit-actions';
import { lockOrder, moveLockedOrder } from './order-transitions';

/**
 * An order's requirements after payment (made by order-processing.ts): a form is done when its
 * assignment is submitted (the forms' submit calls completeRequirementsForAssignment in its
 * transaction), an upload when the patient sends the file for it (the upload records the
 * document in its transaction). When the last one of an order awaiting requirements is done, the
 * order moves to awaiting review (by the system). Audit entries carry ids only.
 */

/** An order waiting for its requirements moves to review once none is left open. */
async function advanceIfComplete(tx: Executor, tenantId: string, orderId: string): Promise<OrderStatus | null> {
  const order = await lockOrder(tx, tenantId, orderId);
  if (!order || order.status !== 'awaiting_requirements') return order?.status ?? null;
  const [open] = await tx.select({ id: orderRequirements.id }).from(orderRequirements)
    .where(and(eq(orderRequirements.tenantId, tenantId), eq(orderRequirements.orderId, orderId), isNull(orderRequirements.completedAt)))
    .limit(1);
  if (open) return order.status;
  return (await moveLockedOrder(tx, order, 'awaiting_review', { kind: 'system' })).status;
}

/**
 * A form assignment was submitted: the order requirements it answers are done (in the submit's
 * transaction). Returns how many requirements it completed.
 */
export async function completeRequirementsForAssignment(tx: Executor, tenantId: string, assignmentId: string): Promise<number> {
  const done = await tx.update(orderRequirements)
    .set({ completedAt: now() })
    .where(and(
      eq(orderRequirements.tenantId, tenantId), eq(orderRequirements.formAssignmentId, assignmentId),
      eq(orderRequirements.kind, 'form'), isNull(orderRequirements.completedAt),
    ))
    .returning({ id: orderRequirements.id, orderId: orderRequirements.orderId });
  for (const orderId of [...new Set(done.map((d) => d.orderId))].sort()) {
    await recordAudit(tx, {
      tenantId, actor: { kind: 'system' }, action: CommerceAuditActions.requirementCompleted, target: { type: 'order', id: orderId },
      details: { kind: 'form', assignmentId, requirements: done.filter((d) => d.orderId === orderId).map((d) => d.id) },
    });
    await advanceIfComplete(tx, tenantId, orderId);
  }
  return done.length;
}

/**
 * The upload request `requirementId` of the selected patient, still open: what the upload page
 * needs (its label and the document type to file it under). Anyone else's, or one already
 * done, is not found.
 */
export async function openUploadRequirement(db: Executor, ctx: PortalContext, requirementId: string) {
  await assertPortalArea(db, ctx, 'orders');
  if (!isUuid(requirementId)) throw new NotFoundError('requirement');
  const [row] = await db.select({
    id: orderRequirements.id, orderId: orderRequirements.orderId, label: orderRequirements.label, documentTypeId: orderRequirements.documentTypeId,
    orderStatus: orders.status, number: orders.number,
  })
    .from(orderRequirements)
    .innerJoin(orders, and(eq(orders.tenantId, orderRequirements.tenantId), eq(orders.id, orderRequirements.orderId)))
    .where(and(
      eq(orderRequirements.tenantId, ctx.tenant.id), eq(orderRequirements.id, requirementId), eq(orders.patientId, ctx.patient.id),
      eq(orderRequirements.kind, 'upload'), isNull(orderRequirements.completedAt),
    ));
  if (!row) throw new NotFoundError('requirement');
  return row;
}

/**
 * The patient sent the file an upload request asks for (lib/documents/patient-uploads.ts, in
 * the transaction that makes the document visible): the request is done with that document.
 * Not found when the request is not the selected patient's open upload request.
 */
export async function completeUploadRequirement(tx: Executor, ctx: PortalContext, requirementId: string, documentId: string): Promise<void> {
  await assertPortalArea(tx, ctx, 'orders');
  const requirement = await openUploadRequirement(tx, ctx, requirementId);
  const [done] = await tx.update(orderRequirements)
    .set({ documentId, completedAt: now() })
    .where(and(eq(orderRequirements.tenantId, ctx.tenant.id), eq(orderRequirements.id, requirement.id), isNull(orderRequirements.completedAt)))
    .returning({ id: orderRequirements.id });
  if (!done) throw new NotFoundError('requirement');
  await recordAudit(tx, ctx, {
    action: CommerceAuditActions.requirementCompleted, patientId: ctx.patient.id, target: { type: 'order', id: requirement.orderId },
    details: { kind: 'upload', requirementId: requirement.id, documentId },
  });
  await advanceIfComplete(tx, ctx.tenant.id, requirement.orderId);
}

export interface RequirementView {
  id: string;
  kind: RequirementKind;
  label: string;
  /** A form's assignment (the portal's form page), while it exists. */
  formAssignmentId: string | null;
  assignmentStatus: AssignmentStatus | null;
  documentId: string | null;
  completedAt: Date | null;
}

/** The requirements of one of the selected patient's orders, forms first (not found for anyone else's). */
export async function listOrderRequirements(db: Executor, ctx: PortalContext, orderId: string): Promise<RequirementView[]> {
  await assertPortalArea(db, ctx, 'orders');
  if (!isUuid(orderId)) throw new NotFoundError('order');
  const [order] = await db.select({ id: orders.id }).from(orders)
    .where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.patientId, ctx.patient.id), eq(orders.id, orderId)));
  if (!order) throw new NotFoundError('order');
  return db.select({
    id: orderRequirements.id, kind: orderRequirements.kind, label: orderRequirements.label,
    formAssignmentId: orderRequirements.formAssignmentId, assignmentStatus: formAssignments.status,
    documentId: orderRequirements.documentId, completedAt: orderRequirements.completedAt,
  })
    .from(orderRequirements)
    .leftJoin(formAssignments, and(eq(formAssignments.tenantId, orderRequirements.tenantId), eq(formAssignments.id, orderRequirements.formAssignmentId)))
    .where(and(eq(orderRequirements.tenantId, ctx.tenant.id), eq(orderRequirements.orderId, orderId)))
    .orderBy(sql`${orderRequirements.kind} = 'upload'`, asc(orderRequirements.createdAt), asc(orderRequirements.label), asc(orderRequirements.id));
}

export interface OverdueRequirementOrder {
  id: string;
  number: number;
  patientId: string;
  requirementsDueAt: Date;
  openRequirements: number;
}

/**
 * Orders of the clinic still waiting for the patient's forms or uploads after their due time
 * (the EMR's "Needs attention"), oldest due first. Ids and counts only; the caller checks the
 * staff member's permission (orders.view).
 */
export async function overdueRequirementOrders(db: Executor, tenantId: string, options: { at?: Date; limit?: number } = {}): Promise<OverdueRequirementOrder[]> {
  const at = options.at ?? now();
  const rows = await db.select({
    id: orders.id, number: orders.number, patientId: orders.patientId, requirementsDueAt: orders.requirementsDueAt,
    // The outer table named in plain SQL: drizzle writes a one-table query's columns unqualified.
    openRequirements: sql<number>`(
      select count(*)::int from order_requirements r
      where r.tenant_id = orders.tenant_id and r.order_id = orders.id and r.completed_at is null
    )`,
  })
    .from(orders)
    .where(and(
      eq(orders.tenantId, tenantId), eq(orders.status, 'awaiting_requirements'), lt(orders.requirementsDueAt, at),
    ))
    .orderBy(asc(orders.requirementsDueAt), asc(orders.id))
    .limit(options.limit ?? 200);
  return rows.map((r) => ({ ...r, requirementsDueAt: r.requirementsDueAt! }));
}
