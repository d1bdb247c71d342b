import 'server-only';
import type { Executor } from '@/db/client';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { isUuid } from '@/lib/kernel/ids';
import { findPatientForAccess, type PatientForAccess } from './accounts';

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
