import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { appointments, documents, documentTypes } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { DocumentAuditActions, isUuid } from '@/lib/documents/document-scope';
import { portalVisible } from '@/lib/documents/portal-documents';
import { portalVisitQuery, toPortalVisit, visitWhenCondition, type PortalVisit } from './visits';

/** A portal session acting for one patient: all three ids come from the session. */
export interface PortalDashboardScope {
  tenantId: string;
  /** The signed-in account, named in the audit entry. */
  accountId: string;
  patientId: string;
}

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
const scope = { tenantId: sql.placeholder('tenantId'), patientId: sql.placeholder('patientId') };
const upcomingVisitsQuery = preparedQuery((db) => portalVisitQuery(db)
  .where(visitWhenCondition(scope, 'upcoming', sql.placeholder('at')))
  .orderBy(asc(appointments.startsAt), asc(appointments.id))
  .limit(DASHBOARD_VISITS)
  .prepare('dashboard_visits'));
const newDocumentsQuery = preparedQuery((db) => db
  .select({
    id: documents.id, title: documents.title, typeName: documentTypes.name, examinationDate: documents.examinationDate,
    contentType: documents.contentType, sharedAt: documents.createdAt,
  })
  .from(documents)
  .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
  .where(and(portalVisible(scope), gte(documents.createdAt, sql.placeholder('since'))))
  .orderBy(desc(documents.createdAt), asc(documents.id))
  .limit(DASHBOARD_DOCUMENTS)
  .prepare('dashboard_documents'));

/**
 * The home page in two reads that run side by side: the next visits and the documents shared
 * in the last 30 days (visible to the patient, of a type the clinic shows), newest first.
 * The caller's session has already checked the account is linked to the patient.
 */
export async function portalDashboard(db: Executor, portal: PortalDashboardScope): Promise<PortalDashboard> {
  if (![portal.tenantId, portal.accountId, portal.patientId].every(isUuid)) return { upcoming: [], newDocuments: [] };
  const at = clockNow();
  const since = addSeconds(at, -NEW_DOCUMENT_DAYS * 24 * 3600);
  const ids = { tenantId: portal.tenantId, patientId: portal.patientId };
  const [visitRows, newDocuments] = await Promise.all([
    upcomingVisitsQuery(db).execute({ ...ids, at: at.toISOString() }),
    newDocumentsQuery(db).execute({ ...ids, since: since.toISOString() }),
  ]);
  if (newDocuments.length > 0) {
    // Showing document titles is a read of the record, audited like the documents list.
    await recordAudit(db, {
      tenantId: portal.tenantId, actor: { kind: 'patient', id: portal.accountId }, action: DocumentAuditActions.listed,
      patientId: portal.patientId, target: { type: 'patient', id: portal.patientId },
      details: { count: newDocuments.length, area: 'portal-dashboard' },
    });
  }
  return { upcoming: visitRows.map((r) => toPortalVisit(r, at)), newDocuments };
}
