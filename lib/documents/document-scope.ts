import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documentTypes, patients, tenantSettings } from '@/db/schema';
import { NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { DocumentInputError } from './errors';
import { DEFAULT_MAX_UPLOAD_BYTES } from './upload-rules';

// Still exported here for the modules that import it from this one.
export { isUuid };

/** The audit actions of this domain (`domain.verb`, past tense). */
export const DocumentAuditActions = {
  uploaded: 'document.uploaded',
  uploadStarted: 'document.upload_started',
  uploadFailed: 'document.upload_failed',
  uploadAbandoned: 'document.upload_abandoned',
  updated: 'document.updated',
  deleted: 'document.deleted',
  listed: 'document.listed',
  downloaded: 'document.downloaded',
} as const;

/** The patient, by (clinic, id): another clinic's id answers not-found. */
export async function requirePatient(db: Executor, ctx: StaffContext, patientId: string): Promise<{ id: string }> {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
  return row;
}

/** An active document type of this clinic, or a field error on the type select. */
export async function requireActiveType(db: Executor, tenantId: string, typeId: string): Promise<{ id: string; name: string }> {
  const [row] = isUuid(typeId)
    ? await db
        .select({ id: documentTypes.id, name: documentTypes.name, active: documentTypes.active })
        .from(documentTypes)
        .where(and(eq(documentTypes.tenantId, tenantId), eq(documentTypes.id, typeId)))
    : [];
  if (!row || !row.active) throw new DocumentInputError('unknown_type', 'Choose one of the clinic’s document types.', 'typeId');
  return row;
}

/** The clinic's upload limit (tenant_settings.max_upload_bytes; 20 MB when unset). */
export async function maxUploadBytes(db: Executor, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ max: tenantSettings.maxUploadBytes })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  return row?.max ?? DEFAULT_MAX_UPLOAD_BYTES;
}

export function auditStaff(
  db: Executor,
  ctx: StaffContext,
  action: (typeof DocumentAuditActions)[keyof typeof DocumentAuditActions],
  entry: { patientId: string; documentId?: string; details?: Record<string, unknown>; outcome?: 'success' | 'failure' },
): Promise<void> {
  return recordAudit(db, ctx, {
    action,
    outcome: entry.outcome,
    patientId: entry.patientId,
    target: entry.documentId ? { type: 'document', id: entry.documentId } : { type: 'patient', id: entry.patientId },
    details: entry.details,
  });
}
