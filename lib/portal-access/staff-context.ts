import type { Executor } from '@/db/client';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { findPatientForAccess, type PatientForAccess } from './accounts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The start of every staff-side function: the permission (seed 001: portal administration is
 * its own access right), then the patient by (this clinic, id). Another clinic's id, or no id
 * at all, answers not-found.
 */
export async function requirePortalAdminPatient(db: Executor, ctx: StaffContext, patientId: string): Promise<PatientForAccess> {
  assertPermission(ctx, 'portal_admin.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const patient = await findPatientForAccess(db, ctx.tenant.id, patientId);
  if (!patient) throw new NotFoundError('patient');
  return patient;
}

export function staffAuditBase(ctx: StaffContext) {
  return {
    tenantId: ctx.tenant.id,
    actor: { kind: 'staff' as const, id: ctx.actor.id, label: ctx.actor.email },
    ip: ctx.ip ?? null,
    userAgent: ctx.userAgent ?? null,
  };
}

/** Postgres error codes arrive on `cause` when Drizzle wraps them (DESIGN.md). */
export function pgErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.cause?.code ?? e?.code;
}
