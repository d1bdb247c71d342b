import 'server-only';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { documents, formAssignments, formResponses, formSignatures, formTemplates, formTemplateVersions, patients } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { sha256Hex } from '@/lib/documents/file-checks';
import { documentStorageKey } from '@/lib/documents/upload-document';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { answerFileKey, answerFileType } from './answer-files';
import { FormsAuditActions } from './audit-actions';
import { answerFields } from './definition';
import { renderFormPdf } from './pdf';
import { fromResponseItems, type ResponseItem } from './response-items';
import { scoreAnswers } from './scoring';
import { readDefinition } from './templates';

// The PDF of a submitted response, made once and filed as a document in the patient's chart
// (issue 15 point 7). Run after the submit's response (next/server `after`) and by the scheduled
// job for anything still unfiled (a crash, a storage outage). Exactly once with several runners:
// each response is claimed with FOR UPDATE SKIP LOCKED inside the transaction that files it, the
// document's id is the response's id and its storage key follows from it, so a retry after a
// failure overwrites the same object and cannot insert a second row; and the database lets
// `document_id` be set only once.

/** Files up to `limit` submitted responses that have no PDF yet (one, when `responseId` is given). */
export async function fileSubmittedForms(db: Database, options: { limit?: number; responseId?: string } = {}): Promise<{ filed: number }> {
  const limit = options.responseId ? 1 : (options.limit ?? 10);
  let filed = 0;
  for (let i = 0; i < limit; i++) {
    const done = await db.transaction(async (tx) => {
      const [claimed] = await tx
        .select({ tenantId: formResponses.tenantId, id: formResponses.id })
        .from(formResponses)
        .where(and(
          eq(formResponses.status, 'submitted'),
          isNull(formResponses.documentId),
          options.responseId ? eq(formResponses.id, options.responseId) : sql`true`,
        ))
        .orderBy(asc(formResponses.submittedAt))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!claimed) return false;
      await fileResponse(tx, claimed.tenantId, claimed.id);
      return true;
    });
    if (!done) break;
    filed += 1;
  }
  return { filed };
}

async function fileResponse(tx: Executor, tenantId: string, responseId: string): Promise<void> {
  const [row] = await tx
    .select({
      response: formResponses,
      kind: formTemplates.kind,
      documentTypeId: formTemplates.documentTypeId,
      version: formTemplateVersions.version,
      stored: formTemplateVersions.definition,
      firstName: patients.firstName,
      lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth,
    })
    .from(formResponses)
    .innerJoin(formAssignments, and(eq(formAssignments.tenantId, formResponses.tenantId), eq(formAssignments.id, formResponses.assignmentId)))
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formResponses.tenantId), eq(formTemplateVersions.id, formResponses.versionId)))
    .innerJoin(patients, and(eq(patients.tenantId, formResponses.tenantId), eq(patients.id, formResponses.patientId)))
    .where(and(eq(formResponses.tenantId, tenantId), eq(formResponses.id, responseId)));
  if (!row) throw new Error('claimed form response has no assignment');
  const { response } = row;
  const definition = readDefinition(row.stored, row.kind);
  const answers = fromResponseItems(definition, response.items as ResponseItem[]);
  const signatures = await tx
    .select()
    .from(formSignatures)
    .where(and(eq(formSignatures.tenantId, tenantId), eq(formSignatures.responseId, responseId)))
    .orderBy(asc(formSignatures.signedAt), asc(formSignatures.linkId));
  const profile = await loadTenantProfile(tx, tenantId);
  const fileTypes: Record<string, string | null> = {};
  const files: { fileId: string; label: string; contentType: string; size: number }[] = [];
  for (const field of answerFields(definition)) {
    const value = answers[field.linkId];
    if (field.type === 'file' && typeof value === 'string') {
      const stored = await answerFileType({ tenantId, patientId: response.patientId, assignmentId: response.assignmentId }, value);
      fileTypes[value] = stored?.contentType ?? null;
      if (stored?.contentType) files.push({ fileId: value, label: field.label, contentType: stored.contentType, size: stored.size });
    }
  }
  const submittedAt = response.submittedAt!;
  const bytes = Buffer.from(await renderFormPdf({
    clinicName: profile?.branding.displayName ?? profile?.name ?? 'Clinic',
    brandColor: profile?.branding.primaryColor ?? '#1f2937',
    definition,
    version: row.version,
    answers,
    patient: { name: `${row.firstName} ${row.lastName}`, dateOfBirth: row.dateOfBirth },
    submittedAt,
    timeZone: profile?.locations[0]?.timeZone ?? 'UTC',
    score: scoreAnswers(definition, answers),
    signatures,
    responseId,
    fileTypes,
  }));

  // The document's id is the response's: its key is fixed, so a second attempt writes the same object.
  const documentId = responseId;
  const storageKey = documentStorageKey(tenantId, response.patientId, documentId);
  await getObjectStore().put(storageKey, bytes, { contentType: 'application/pdf', contentLength: bytes.length });
  const uploadedByKind = response.submittedByAccountId ? ('patient' as const) : ('staff' as const);
  const uploadedById = response.submittedByAccountId ?? response.submittedByStaffId ?? response.patientId;
  const title = response.amendsResponseId ? `${definition.title} (corrected)` : definition.title;
  await tx
    .insert(documents)
    .values({
      tenantId, id: documentId, patientId: response.patientId, typeId: row.documentTypeId, title: title.slice(0, 200),
      examinationDate: submittedAt.toISOString().slice(0, 10),
      // Shown to the patient like any document the clinic shares, unless the clinic hides the type from the portal.
      visibleToPatient: true, notifyPatient: false, status: 'available', storageKey,
      originalFilename: `${safeFileStem(definition.title)}.pdf`, contentType: 'application/pdf', sizeBytes: bytes.length, sha256: sha256Hex(bytes),
      uploadedByKind, uploadedById,
    })
    .onConflictDoNothing();
  // Each file answered (an insurance card, a referral) is filed beside the PDF, so staff open it
  // where they open every document. Its id is the file's and its key the stored one: once only.
  for (const file of files) {
    await tx
      .insert(documents)
      .values({
        tenantId, id: file.fileId, patientId: response.patientId, typeId: row.documentTypeId, title: `${definition.title}: ${file.label}`.slice(0, 200),
        examinationDate: submittedAt.toISOString().slice(0, 10), visibleToPatient: true, notifyPatient: false, status: 'available',
        storageKey: answerFileKey(tenantId, response.patientId, response.assignmentId, file.fileId),
        originalFilename: `${safeFileStem(file.label)}.${FILE_EXTENSIONS[file.contentType] ?? 'bin'}`, contentType: file.contentType, sizeBytes: file.size,
        uploadedByKind, uploadedById,
      })
      .onConflictDoNothing();
  }
  await tx
    .update(formResponses)
    .set({ documentId })
    .where(and(eq(formResponses.tenantId, tenantId), eq(formResponses.id, responseId), isNull(formResponses.documentId)));
  await recordAudit(tx, {
    tenantId, actor: { kind: 'system', label: 'forms filing' }, action: FormsAuditActions.responseFiled, patientId: response.patientId,
    target: { type: 'document', id: documentId }, details: { responseId, sizeBytes: bytes.length, files: files.length },
  });
}

const FILE_EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

function safeFileStem(title: string): string {
  const stem = title.normalize('NFKD').replace(/[^\w .-]+/g, '').replace(/\s+/g, ' ').trim().slice(0, 80);
  return stem || 'form';
}
