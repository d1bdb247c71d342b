import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { documents, type DocumentRow } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { now } from '@/lib/clock';
import { eventActorOf, recordEvent } from '@/lib/engagement/events';
import { enqueueDocumentNotification } from '@/lib/notifications/document-notifications';
import { auditStaff, DocumentAuditActions } from './document-scope';
import type { DocumentContentType } from './upload-rules';

/**
 * The verified file becomes an available document, and (visible + "send notification") its
 * notification is queued in the same transaction: the patient is told exactly when the
 * document exists. Only a `pending` row is published, so two confirmations queue one message.
 * A visible one is the patient's document.published (notified or not).
 * Returns null when the row was no longer pending.
 */
export async function publishVerifiedDocument(
  db: Database,
  ctx: StaffContext,
  pending: Pick<DocumentRow, 'id' | 'patientId'>,
  verified: { contentType: DocumentContentType; sizeBytes: number; sha256: string | null; auditDetails?: Record<string, unknown> },
): Promise<DocumentRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(documents)
      .set({ status: 'available', contentType: verified.contentType, sizeBytes: verified.sizeBytes, sha256: verified.sha256, updatedAt: now() })
      .where(and(eq(documents.tenantId, ctx.tenant.id), eq(documents.id, pending.id), eq(documents.status, 'pending')))
      .returning();
    if (!row) return null;
    await auditStaff(tx, ctx, DocumentAuditActions.uploaded, {
      patientId: row.patientId,
      documentId: row.id,
      details: {
        after: {
          typeId: row.typeId, title: row.title, examinationDate: row.examinationDate, visibleToPatient: row.visibleToPatient,
          hiddenFromProxies: row.hiddenFromProxies, notifyPatient: row.notifyPatient, contentType: row.contentType, sizeBytes: row.sizeBytes, originalFilename: row.originalFilename,
        },
        ...verified.auditDetails,
      },
    });
    if (row.visibleToPatient) {
      await recordEvent(tx, ctx.tenant.id, {
        name: 'document.published', patientId: row.patientId, subject: { documentId: row.id, documentTypeId: row.typeId }, actor: eventActorOf(ctx),
      });
    }
    if (row.visibleToPatient && row.notifyPatient) {
      await enqueueDocumentNotification(tx, { tenantId: row.tenantId, patientId: row.patientId, documentId: row.id });
    }
    return row;
  });
}
