import 'server-only';
import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { appointments, documents, documentTypes } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { hasPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { DocumentAuditActions } from '@/lib/documents/document-scope';
import { portalScope, portalVisible } from '@/lib/documents/portal-documents';
import { localizedColumn, portalTextScope } from '@/lib/i18n/clinic-text-sql';
import { isUuid } from '@/lib/kernel/ids';
import { portalVisitQuery, toPortalVisit, visitWhenCondition } from '@/lib/scheduling/portal-visits';
import type { PortalVisit } from '@/lib/scheduling/visit-display';

export const DASHBOARD_VISITS = 3;
export const DASHBOARD_DOCUMENTS = 5;
export const NEW_DOCUMENT_DAYS = 30;

export interface DashboardDocument {
  id: string;
  title: string;
  typeName: string;
  examinationDate: string | null;
  contentType: string;
  sharedAt: Date;
}

export interface PortalDashboard {
  upcoming: PortalVisit[];
  newDocuments: DashboardDocument[];
}

// The home page's two reads, prepared once (times are passed as ISO text: timestamptz parses it).
const scope = { tenantId: sql.placeholder('tenantId'), patientId: sql.placeholder('patientId'), language: sql.placeholder('language') };
const upcomingVisitsQuery = preparedQuery((db) => portalVisitQuery(db, scope)
  .where(visitWhenCondition(scope, 'upcoming', sql.placeholder('at')))
  .orderBy(asc(appointments.startsAt), asc(appointments.id))
  .limit(DASHBOARD_VISITS)
  .prepare('dashboard_visits'));
const newDocumentsQuery = preparedQuery((db) => db
  .select({
    id: documents.id, title: documents.title, examinationDate: documents.examinationDate,
    typeName: localizedColumn<string>(documentTypes.name, documentTypes.translations, 'name', scope),
    contentType: documents.contentType, sharedAt: documents.createdAt,
  })
  .from(documents)
  .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
  .where(and(portalVisible({ ...scope, proxy: sql.placeholder('proxy') }), gte(documents.createdAt, sql.placeholder('since'))))
  .orderBy(desc(documents.createdAt), asc(documents.id))
  .limit(DASHBOARD_DOCUMENTS)
  .prepare('dashboard_documents'));

/**
 * The home page in two reads that run side by side: the next visits and the documents shared
 * in the last 30 days (visible to the patient, of a type the clinic shows, not hidden from a
 * proxy), newest first. The caller's session has already checked the account is linked to the
 * patient; each part is read only when the link opens its area (Bookings, Documents).
 */
export async function portalDashboard(db: Executor, ctx: PortalContext): Promise<PortalDashboard> {
  if (![ctx.tenant.id, ctx.account.id, ctx.patient.id].every(isUuid)) return { upcoming: [], newDocuments: [] };
  const at = clockNow();
  const since = addSeconds(at, -NEW_DOCUMENT_DAYS * 24 * 3600);
  const { tenantId, patientId, proxy } = portalScope(ctx);
  const [visitRows, newDocuments] = await Promise.all([
    hasPortalArea(ctx.patient, 'bookings') ? upcomingVisitsQuery(db).execute({ tenantId, patientId, language: portalTextScope(ctx).language, at: at.toISOString() }) : [],
    hasPortalArea(ctx.patient, 'documents') ? newDocumentsQuery(db).execute({ tenantId, patientId, proxy, language: portalTextScope(ctx).language, since: since.toISOString() }) : [],
  ]);
  if (newDocuments.length > 0) {
    // Showing document titles is a read of the record, audited like the documents list.
    await recordAudit(db, ctx, {
      action: DocumentAuditActions.listed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
      details: { count: newDocuments.length, area: 'portal-dashboard' },
    });
  }
  return { upcoming: visitRows.map((r) => toPortalVisit(r, at)), newDocuments };
}
