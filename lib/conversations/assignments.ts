import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patientAssignments, staffUsers } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { NotFoundError } from '@/lib/access/context';
import { isUuid, requirePatient } from '@/lib/documents/document-scope';
import { auditActorOf, auditClientOf } from './access';
import { MessagingAuditActions } from './audit-actions';
import { requireMessagingStaff } from './staff';
import type { PatientAssignment, Result } from './types';

/**
 * Which staff members look after a patient ("Assigned clients only" limits messaging to them).
 * Reading needs patients.view, changing needs patients.edit; both work under every policy so
 * the roster can be prepared before the clinic switches.
 */
export async function listPatientAssignments(db: Executor, ctx: StaffContext, patientId: string): Promise<PatientAssignment[]> {
  assertPermission(ctx, 'patients.view');
  await requirePatient(db, ctx, patientId);
  const rows = await db
    .select({ staffId: patientAssignments.staffId, name: staffUsers.fullName, assignedAt: patientAssignments.createdAt })
    .from(patientAssignments)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, patientAssignments.tenantId), eq(staffUsers.id, patientAssignments.staffId)))
    .where(and(eq(patientAssignments.tenantId, ctx.tenant.id), eq(patientAssignments.patientId, patientId)))
    .orderBy(asc(patientAssignments.createdAt), asc(staffUsers.fullName));
  await auditChartSection(db, ctx, patientId, 'care_team');
  return rows.map((r) => ({ ...r, assignedAt: r.assignedAt.toISOString() }));
}

export async function assignPatient(db: Executor, ctx: StaffContext, patientId: string, staffId: string): Promise<Result> {
  assertPermission(ctx, 'patients.edit');
  await requirePatient(db, ctx, patientId);
  await requireMessagingStaff(db, ctx.tenant.id, staffId);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(patientAssignments)
      .values({ tenantId: ctx.tenant.id, patientId, staffId, assignedById: ctx.actor.id, createdAt: now() })
      .onConflictDoNothing()
      .returning({ staffId: patientAssignments.staffId });
    if (inserted.length > 0) {
      await recordAudit(tx, {
        tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.patientAssigned,
        patientId, target: { type: 'patient', id: patientId }, details: { staffId },
      });
    }
    return { ok: true as const };
  });
}

export async function unassignPatient(db: Executor, ctx: StaffContext, patientId: string, staffId: string): Promise<Result> {
  assertPermission(ctx, 'patients.edit');
  await requirePatient(db, ctx, patientId);
  if (!isUuid(staffId)) throw new NotFoundError('staff');
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(patientAssignments)
      .where(and(eq(patientAssignments.tenantId, ctx.tenant.id), eq(patientAssignments.patientId, patientId), eq(patientAssignments.staffId, staffId)))
      .returning({ staffId: patientAssignments.staffId });
    if (removed.length > 0) {
      await recordAudit(tx, {
        tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.patientUnassigned,
        patientId, target: { type: 'patient', id: patientId }, details: { staffId },
      });
    }
    return { ok: true as const };
  });
}
