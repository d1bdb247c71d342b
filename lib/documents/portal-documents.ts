import { and, desc, eq, gte, ilike, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documents, documentTypes } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { listLinkedPatients } from '@/lib/portal/linked-patients';
import { DocumentAuditActions, isUuid } from './document-scope';

/** A portal session acting for one patient: from the session, never from input. */
export interface PortalDocumentScope {
  tenantId: string;
  /** The signed-in portal account (for the link check and the audit entry). */
  accountId: string;
  /** The patient selected in the session. */
  patientId: string;
}

export interface PortalDocumentFilters {
  q?: string;
  typeId?: string;
  /** Examination dates, inclusive, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The account must still be linked to the patient (staff may have disabled portal access since). */
export async function assertPortalLink(db: Executor, scope: PortalDocumentScope): Promise<void> {
  if (!isUuid(scope.patientId)) throw new NotFoundError('patient');
  const linked = await listLinkedPatients(db, scope.tenantId, scope.accountId);
  if (!linked.some((p) => p.id === scope.patientId)) throw new NotFoundError('patient');
}

/** What the portal may show: visible, verified, not deleted, and of a type the clinic shows. */
export function portalVisible(scope: Pick<PortalDocumentScope, 'tenantId' | 'patientId'>) {
  return and(
    eq(documents.tenantId, scope.tenantId),
    eq(documents.patientId, scope.patientId),
    eq(documents.visibleToPatient, true),
    eq(documents.status, 'available'),
    isNull(documents.deletedAt),
    eq(documentTypes.hiddenFromPortal, false),
  );
}

/** Seed 004: newest examination first, with search by title, type name and date range. */
export async function listPortalDocuments(db: Executor, scope: PortalDocumentScope, filters: PortalDocumentFilters = {}) {
  await assertPortalLink(db, scope);
  const q = filters.q?.trim().slice(0, 100);
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db
    .select({
      id: documents.id,
      title: documents.title,
      typeId: documents.typeId,
      typeName: documentTypes.name,
      examinationDate: documents.examinationDate,
      contentType: documents.contentType,
      sizeBytes: documents.sizeBytes,
      createdAt: documents.createdAt,
    })
    .from(documents)
    .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
    .where(and(
      portalVisible(scope),
      pattern ? or(ilike(documents.title, pattern), ilike(documentTypes.name, pattern)) : undefined,
      filters.typeId && isUuid(filters.typeId) ? eq(documents.typeId, filters.typeId) : undefined,
      filters.from && ISO_DATE.test(filters.from) ? gte(documents.examinationDate, filters.from) : undefined,
      filters.to && ISO_DATE.test(filters.to) ? lte(documents.examinationDate, filters.to) : undefined,
    ))
    .orderBy(sql`${documents.examinationDate} desc nulls last`, desc(documents.createdAt))
    .limit(500);
  await recordAudit(db, {
    tenantId: scope.tenantId, actor: { kind: 'patient', id: scope.accountId }, action: DocumentAuditActions.listed,
    patientId: scope.patientId, target: { type: 'patient', id: scope.patientId }, details: { count: rows.length, area: 'portal' },
  });
  return rows;
}
export type PortalDocumentListItem = Awaited<ReturnType<typeof listPortalDocuments>>[number];
