import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documents, documentTypes } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { DocumentAuditActions, isUuid } from './document-scope';
import { assertPortalLink, portalVisible, type PortalDocumentScope } from './portal-documents';

export type DownloadRequester = { kind: 'staff'; ctx: StaffContext } | ({ kind: 'portal' } & PortalDocumentScope);

const downloadColumns = {
  id: documents.id,
  patientId: documents.patientId,
  storageKey: documents.storageKey,
  originalFilename: documents.originalFilename,
  contentType: documents.contentType,
  sizeBytes: documents.sizeBytes,
};

export type DownloadableDocument = { [K in keyof typeof downloadColumns]: (typeof documents.$inferSelect)[K] };

/**
 * May this person have this file? Staff: `documents.view` in the document's clinic. Portal: the
 * session's selected, linked patient, and a document the portal shows. Anything else, including
 * another clinic's id, is not-found. A granted download is audited.
 */
export async function authorizeDocumentDownload(
  db: Executor,
  requester: DownloadRequester,
  documentId: string,
  options: { view?: boolean } = {},
): Promise<DownloadableDocument> {
  if (!isUuid(documentId)) throw new NotFoundError('document');
  let row: DownloadableDocument | undefined;
  if (requester.kind === 'staff') {
    const { ctx } = requester;
    assertPermission(ctx, 'documents.view');
    [row] = await db
      .select(downloadColumns)
      .from(documents)
      .where(and(eq(documents.tenantId, ctx.tenant.id), eq(documents.id, documentId), eq(documents.status, 'available'), isNull(documents.deletedAt)));
  } else {
    await assertPortalLink(db, requester);
    [row] = await db
      .select(downloadColumns)
      .from(documents)
      .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
      .where(and(portalVisible(requester), eq(documents.id, documentId)));
  }
  if (!row) throw new NotFoundError('document');
  await recordAudit(db, {
    tenantId: requester.kind === 'staff' ? requester.ctx.tenant.id : requester.tenantId,
    actor: requester.kind === 'staff'
      ? { kind: 'staff', id: requester.ctx.actor.id, label: requester.ctx.actor.email }
      : { kind: 'patient', id: requester.accountId },
    action: DocumentAuditActions.downloaded,
    patientId: row.patientId,
    target: { type: 'document', id: row.id },
    ip: requester.kind === 'staff' ? requester.ctx.ip : undefined,
    userAgent: requester.kind === 'staff' ? requester.ctx.userAgent : undefined,
    details: { area: requester.kind, disposition: options.view ? 'inline' : 'attachment' },
  });
  return row;
}
