import 'server-only';
import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { appointments, documents, documentTypes } from '@/db/schema';
import { openPortalFormsCount } from '@/lib/clinic-forms/responses';
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
  /** Forms the clinic asked for and the patient has not sent yet (0 when the link does not open Forms). */
  openForms: number;
}

// The home page's two reads, prepared once (times are passed as ISO text: timestamptz parses it).
const scope = { tenantId: sql.placeholder('tenantId'), patientId: sql.placeholder('patientId'), language: sql.placeholder('language') };
// The next visits and, in the same statement, the count of open forms: the count is a row of its
// own, so the visits are joined to it laterally (none booked: one row without a visit).
const visitsAndFormsQuery = preparedQuery((db) => {
  const visits = portalVisitQuery(db, scope)
    .where(and(sql`${sql.placeholder('visits')}::boolean`, visitWhenCondition(scope, 'upcoming', sql.placeholder('at'))))
    .orderBy(asc(appointments.startsAt), asc(appointments.id))
    .limit(DASHBOARD_VISITS)
    .as('v');
  const counts = db
    .select({ openForms: sql<number>`case when ${sql.placeholder('forms')}::boolean then ${openPortalFormsCount(scope)} else 0 end`.as('open_forms') })
    .from(sql`(select 1) as one`)
    .as('f');
  return db
    .select({ openForms: counts.openForms, id: visits.id, startsAt: visits.startsAt, endsAt: visits.endsAt, status: visits.status, videoUrl: visits.videoUrl,
      provider: visits.provider, service: visits.service, location: visits.location, timeZone: visits.timeZone })
    .from(counts)
    .leftJoinLateral(visits, sql`true`)
    .orderBy(asc(visits.startsAt), asc(visits.id))
    .prepare('dashboard_visits_forms');
});
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
 * The home page in two reads that run side by side: the next visits with the count of open forms,
 * and the documents shared in the last 30 days (visible to the patient, of a type the clinic
 * shows, not hidden from a proxy), newest first. The caller's session has already checked the
 * account is linked to the patient; each part is read only when the link opens its area
 * (Bookings, Forms, Documents).
 */
export async function portalDashboard(db: Executor, ctx: PortalContext): Promise<PortalDashboard> {
  if (![ctx.tenant.id, ctx.account.id, ctx.patient.id].every(isUuid)) return { upcoming: [], newDocuments: [], openForms: 0 };
  const at = clockNow();
  const since = addSeconds(at, -NEW_DOCUMENT_DAYS * 24 * 3600);
  const { tenantId, patientId, proxy } = portalScope(ctx);
  const language = portalTextScope(ctx).language;
  const visits = hasPortalArea(ctx.patient, 'bookings');
  const forms = hasPortalArea(ctx.patient, 'forms');
  const [visitRows, newDocuments] = await Promise.all([
    visits || forms ? visitsAndFormsQuery(db).execute({ tenantId, patientId, language, at: at.toISOString(), visits, forms }) : [],
    hasPortalArea(ctx.patient, 'documents') ? newDocumentsQuery(db).execute({ tenantId, patientId, proxy, language, since: since.toISOString() }) : [],
  ]);
  if (newDocuments.length > 0) {
    // Showing document titles is a read of the record, audited like the documents list.
    await recordAudit(db, ctx, {
      action: DocumentAuditActions.listed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
      details: { count: newDocuments.length, area: 'portal-dashboard' },
    });
  }
  const upcoming = visitRows.flatMap(({ openForms: _count, id, ...visit }) => (id === null ? [] : [toPortalVisit({ id, ...visit } as Parameters<typeof toPortalVisit>[0], at)]));
  return { upcoming, newDocuments, openForms: visitRows[0]?.openForms ?? 0 };
}
