import 'server-only';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery, type Placeholder } from '@/db/prepared';
import { documents, documentTypes } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { localizedColumn, portalTextScope } from '@/lib/i18n/clinic-text-sql';
import { isUuid } from '@/lib/kernel/ids';
import { DocumentAuditActions } from './document-scope';

export interface PortalDocumentFilters {
  q?: string;
  typeId?: string;
  /** Examination dates, inclusive, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The clinic and patient a portal query is limited to: always the context's, never input; and
 * whether the account acts for the patient as a proxy (any link but `self`), who never sees a
 * document staff marked hidden from proxies.
 */
export function portalScope(ctx: PortalContext): { tenantId: string; patientId: string; proxy: boolean } {
  return { tenantId: ctx.tenant.id, patientId: ctx.patient.id, proxy: ctx.patient.relationship !== 'self' };
}

/**
 * What the portal may show: visible, verified, not deleted, of a type the clinic shows, and for a
 * proxy not hidden from proxies (`proxy` may be a prepared query's placeholder).
 */
export function portalVisible(scope: { tenantId: string | Placeholder; patientId: string | Placeholder; proxy?: boolean | Placeholder }) {
  return and(
    eq(documents.tenantId, scope.tenantId),
    eq(documents.patientId, scope.patientId),
    eq(documents.visibleToPatient, true),
    eq(documents.status, 'available'),
    isNull(documents.deletedAt),
    eq(documentTypes.hiddenFromPortal, false),
    scope.proxy === undefined || scope.proxy === false ? undefined
      : scope.proxy === true ? eq(documents.hiddenFromProxies, false)
        : sql`(not ${scope.proxy}::boolean or not ${documents.hiddenFromProxies})`,
  );
}

/**
 * The patient's list with its optional filters (each null when not used), prepared once: it is
 * the portal's busiest page after the dashboard. A patient has tens of documents, found through
 * the (tenant, patient) index, so the filters cost nothing as plain conditions.
 */
const portalDocumentsQuery = preparedQuery((db) => {
  const pattern = sql.placeholder('pattern');
  const typeId = sql.placeholder('typeId');
  const from = sql.placeholder('from');
  const to = sql.placeholder('to');
  // The type's name in the reader's language: shown, and searched, as the patient reads it.
  const typeName = localizedColumn(documentTypes.name, documentTypes.translations, 'name', { tenantId: sql.placeholder('tenantId'), language: sql.placeholder('language') });
  return db
    .select({
      id: documents.id,
      title: documents.title,
      typeId: documents.typeId,
      typeName,
      examinationDate: documents.examinationDate,
      contentType: documents.contentType,
      sizeBytes: documents.sizeBytes,
      createdAt: documents.createdAt,
    })
    .from(documents)
    .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
    .where(and(
      portalVisible({ tenantId: sql.placeholder('tenantId'), patientId: sql.placeholder('patientId'), proxy: sql.placeholder('proxy') }),
      sql`(${pattern}::text is null or ${documents.title} ilike ${pattern} or ${typeName} ilike ${pattern})`,
      sql`(${typeId}::uuid is null or ${documents.typeId} = ${typeId})`,
      sql`(${from}::date is null or ${documents.examinationDate} >= ${from})`,
      sql`(${to}::date is null or ${documents.examinationDate} <= ${to})`,
    ))
    .orderBy(sql`${documents.examinationDate} desc nulls last`, desc(documents.createdAt))
    .limit(500)
    .prepare('portal_documents');
});

/** Seed 004: newest examination first, with search by title, type name and date range. */
export async function listPortalDocuments(db: Executor, ctx: PortalContext, filters: PortalDocumentFilters = {}) {
  await assertPortalArea(db, ctx, 'documents');
  const q = filters.q?.trim().slice(0, 100);
  const rows = await portalDocumentsQuery(db).execute({
    ...portalScope(ctx),
    language: portalTextScope(ctx).language,
    pattern: q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
    typeId: filters.typeId && isUuid(filters.typeId) ? filters.typeId : null,
    from: filters.from && ISO_DATE.test(filters.from) ? filters.from : null,
    to: filters.to && ISO_DATE.test(filters.to) ? filters.to : null,
  });
  await recordAudit(db, ctx, {
    action: DocumentAuditActions.listed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { count: rows.length, area: 'portal' },
  });
  return rows;
}
export type PortalDocumentListItem = Awaited<ReturnType<typeof listPortalDocuments>>[number];
