import 'server-only';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { documents, documentTypes, staffUsers } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { now } from '@/lib/clock';
import { eventActorOf, recordEvent } from '@/lib/engagement/events';
import { isUuid } from '@/lib/kernel/ids';
import { enqueueDocumentNotification } from '@/lib/notifications/document-notifications';
import { auditStaff, DocumentAuditActions, requireActiveType, requirePatient } from './document-scope';
import { parseDocumentMetadata } from './upload-document';

/** The clinic's active document types, for the upload and edit forms. */
export async function listActiveDocumentTypes(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'documents.view');
  return db
    .select({ id: documentTypes.id, name: documentTypes.name, hiddenFromPortal: documentTypes.hiddenFromPortal })
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.active, true)))
    .orderBy(asc(documentTypes.name));
}

/**
 * A patient's documents for the chart: available and not deleted (a pending upload is not a
 * document yet). Newest examination first. Listing titles is a PHI read, so it is audited.
 */
export async function listPatientDocuments(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'documents.view');
  await requirePatient(db, ctx, patientId);
  const rows = await db
    .select({
      id: documents.id,
      typeId: documents.typeId,
      typeName: documentTypes.name,
      typeHiddenFromPortal: documentTypes.hiddenFromPortal,
      title: documents.title,
      examinationDate: documents.examinationDate,
      visibleToPatient: documents.visibleToPatient,
      hiddenFromProxies: documents.hiddenFromProxies,
      notifyPatient: documents.notifyPatient,
      contentType: documents.contentType,
      sizeBytes: documents.sizeBytes,
      originalFilename: documents.originalFilename,
      uploadedByName: staffUsers.fullName,
      uploadedAt: documents.createdAt,
    })
    .from(documents)
    .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
    .leftJoin(staffUsers, and(
      eq(documents.uploadedByKind, 'staff'),
      eq(staffUsers.tenantId, documents.tenantId),
      eq(staffUsers.id, documents.uploadedById),
    ))
    .where(and(
      eq(documents.tenantId, ctx.tenant.id),
      eq(documents.patientId, patientId),
      eq(documents.status, 'available'),
      isNull(documents.deletedAt),
    ))
    .orderBy(sql`${documents.examinationDate} desc nulls last`, desc(documents.createdAt));
  await auditStaff(db, ctx, DocumentAuditActions.listed, { patientId, details: { count: rows.length } });
  return rows;
}
export type PatientDocumentListItem = Awaited<ReturnType<typeof listPatientDocuments>>[number];

export interface UpdateDocumentInput {
  typeId: string;
  title: string;
  examinationDate: string;
  visibleToPatient: boolean;
  /** When this edit makes the document visible: tell the patient now. */
  sendNotification: boolean;
  /** Hidden from accounts acting for the patient; absent means not hidden, as an unticked box posts. */
  hiddenFromProxies?: boolean;
}

const EDITABLE = ['typeId', 'title', 'examinationDate', 'visibleToPatient', 'hiddenFromProxies'] as const;

/** Changes type, title, examination date and visibility (patient, proxies); the audit entry has before and after. */
export async function updateDocument(db: Database, ctx: StaffContext, documentId: string, input: UpdateDocumentInput) {
  assertPermission(ctx, 'documents.upload');
  if (!isUuid(documentId)) throw new NotFoundError('document');
  const metadata = parseDocumentMetadata(input);
  await requireActiveType(db, ctx.tenant.id, metadata.typeId);
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(documents)
      .where(and(eq(documents.tenantId, ctx.tenant.id), eq(documents.id, documentId), eq(documents.status, 'available'), isNull(documents.deletedAt)))
      .for('update');
    if (!before) throw new NotFoundError('document');
    const becomesVisible = !before.visibleToPatient && metadata.visibleToPatient;
    const notify = becomesVisible && metadata.sendNotification;
    const next = {
      typeId: metadata.typeId,
      title: metadata.title,
      examinationDate: metadata.examinationDate,
      visibleToPatient: metadata.visibleToPatient,
      hiddenFromProxies: metadata.hiddenFromProxies,
    };
    const changed = EDITABLE.filter((k) => before[k] !== next[k]);
    if (changed.length === 0 && !notify) return before;
    const [after] = await tx
      .update(documents)
      .set({ ...next, ...(notify ? { notifyPatient: true } : {}), updatedAt: now() })
      .where(and(eq(documents.tenantId, ctx.tenant.id), eq(documents.id, documentId)))
      .returning();
    await auditStaff(tx, ctx, DocumentAuditActions.updated, {
      patientId: before.patientId,
      documentId,
      details: {
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, next[k]])),
        ...(notify ? { notificationQueued: true } : {}),
      },
    });
    if (becomesVisible) {
      await recordEvent(tx, ctx.tenant.id, {
        name: 'document.published', patientId: before.patientId, subject: { documentId, documentTypeId: metadata.typeId }, actor: eventActorOf(ctx),
      });
    }
    if (notify) await enqueueDocumentNotification(tx, { tenantId: ctx.tenant.id, patientId: before.patientId, documentId });
    return after!;
  });
}

/** Soft delete: the row and file stay for the record, hidden from every list and download. */
export async function deleteDocument(db: Database, ctx: StaffContext, documentId: string): Promise<void> {
  assertPermission(ctx, 'documents.upload');
  if (!isUuid(documentId)) throw new NotFoundError('document');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(documents)
      .set({ deletedAt: now(), deletedById: ctx.actor.id, updatedAt: now() })
      .where(and(eq(documents.tenantId, ctx.tenant.id), eq(documents.id, documentId), eq(documents.status, 'available'), isNull(documents.deletedAt)))
      .returning();
    if (!row) throw new NotFoundError('document');
    await auditStaff(tx, ctx, DocumentAuditActions.deleted, {
      patientId: row.patientId,
      documentId,
      details: {
        before: { title: row.title, typeId: row.typeId, examinationDate: row.examinationDate, visibleToPatient: row.visibleToPatient, deletedAt: null },
        after: { deletedAt: row.deletedAt },
      },
    });
  });
}
