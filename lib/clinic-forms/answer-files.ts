import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { formAssignments, formTemplates, formTemplateVersions } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { maxUploadBytes } from '@/lib/documents/document-scope';
import { readPrefix } from '@/lib/documents/direct-upload';
import { assertSizeAllowed, detectDocumentType, SNIFF_BYTES } from '@/lib/documents/file-checks';
import { SERVER_ACTION_MAX_BYTES, type DocumentContentType } from '@/lib/documents/file-rules';
import { isUuid } from '@/lib/kernel/ids';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { FormsAuditActions } from './audit-actions';
import { answerFields } from './definition';
import { FormsRuleError } from './errors';
import { readDefinition } from './templates';

// A file answer (a photo of an insurance card, a referral): the same checks as a patient's
// document upload (type from the bytes, the clinic's size limit, at most what a server action
// carries), stored privately under a key made of the clinic, the patient, the assignment and a
// new id. The answer holds only the id, so it can never name another patient's file: the key is
// rebuilt from the context whenever the file is looked for.

export function answerFileKey(tenantId: string, patientId: string, assignmentId: string, fileId: string): string {
  return `forms/${tenantId}/${patientId}/${assignmentId}/${fileId}`;
}

export async function answerFileExists(ctx: PortalContext, assignmentId: string, fileId: string): Promise<boolean> {
  if (!isUuid(fileId)) return false;
  return (await getObjectStore().head(answerFileKey(ctx.tenant.id, ctx.patient.id, assignmentId, fileId))) !== null;
}

/**
 * The stored file of an answer, for filing (null when it is gone). The type is read from the
 * bytes when the store does not keep it (the local folder), as it was checked at upload.
 */
export async function answerFileType(key: { tenantId: string; patientId: string; assignmentId: string }, fileId: string): Promise<{ contentType: string | null; size: number } | null> {
  if (!isUuid(fileId)) return null;
  const storageKey = answerFileKey(key.tenantId, key.patientId, key.assignmentId, fileId);
  const head = await getObjectStore().head(storageKey);
  if (!head || head.contentType || head.size === 0) return head;
  const contentType = await detectDocumentType(await readPrefix(storageKey, Math.min(SNIFF_BYTES, head.size))).catch(() => null);
  return { ...head, contentType };
}

export interface AnswerFileInput {
  linkId: string;
  file: { bytes: Buffer; name: string };
}

/** Stores the file for a file question of an open assignment; the page puts the id in the answer. */
export async function uploadAnswerFile(db: Executor, ctx: PortalContext, assignmentId: string, input: AnswerFileInput): Promise<{ fileId: string; contentType: DocumentContentType }> {
  await assertPortalArea(db, ctx, 'forms');
  if (!isUuid(assignmentId)) throw new NotFoundError('form');
  const [row] = await db
    .select({ status: formAssignments.status, kind: formTemplates.kind, stored: formTemplateVersions.definition })
    .from(formAssignments)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formAssignments.tenantId), eq(formTemplateVersions.id, formAssignments.versionId)))
    .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, assignmentId), eq(formAssignments.patientId, ctx.patient.id)));
  if (!row) throw new NotFoundError('form');
  if (row.status !== 'assigned' && row.status !== 'in_progress') throw new FormsRuleError('not-open');
  const field = answerFields(readDefinition(row.stored, row.kind)).find((f) => f.linkId === input.linkId);
  if (!field || field.type !== 'file') throw new NotFoundError('form field');
  assertSizeAllowed(input.file.bytes.length, Math.min(await maxUploadBytes(db, ctx.tenant.id), SERVER_ACTION_MAX_BYTES));
  const contentType = await detectDocumentType(input.file.bytes);
  const fileId = randomUUID();
  await getObjectStore().put(answerFileKey(ctx.tenant.id, ctx.patient.id, assignmentId, fileId), input.file.bytes, { contentType, contentLength: input.file.bytes.length });
  await recordAudit(db, ctx, {
    action: FormsAuditActions.fileUploaded, patientId: ctx.patient.id, target: { type: 'form_assignment', id: assignmentId },
    details: { area: 'portal', linkId: input.linkId, fileId, contentType, sizeBytes: input.file.bytes.length },
  });
  return { fileId, contentType };
}
