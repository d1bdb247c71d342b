import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documents, documentTypes } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { DocumentAuditActions } from './document-scope';
import { portalScope, portalVisible } from './portal-documents';

export type DownloadRequester = { kind: 'staff'; ctx: StaffContext } | { kind: 'portal'; ctx: PortalContext };

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
 * session's selected, linked patient whose link opens Documents, and a document the portal shows
 * (to a proxy, none hidden from proxies). Anything else, including
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
    await assertPortalArea(db, requester.ctx, 'documents');
    [row] = await db
      .select(downloadColumns)
      .from(documents)
      .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
      .where(and(portalVisible(portalScope(requester.ctx)), eq(documents.id, documentId)));
  }
  if (!row) throw new NotFoundError('document');
  await recordAudit(db, requester.ctx, {
    action: DocumentAuditActions.downloaded,
    patientId: row.patientId,
    target: { type: 'document', id: row.id },
    details: { area: requester.kind, disposition: options.view ? 'inline' : 'attachment' },
  });
  return row;
}
