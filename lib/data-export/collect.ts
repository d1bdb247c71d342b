import 'server-only';
import { aliasedTable, and, asc, eq, isNull, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  appointments, conversationMessages, conversations, documents, documentTypes, formAssignments, formResponses, formTemplates,
  formTemplateVersions, invoiceLines, invoices, locations, messageAttachments, patientContacts, patients, portalAccountPatients,
  portalAccounts, services, staffUsers,
} from '@/db/schema';
import { answerFileKey } from '@/lib/clinic-forms/answer-files';
import { toQuestionnaire, type Questionnaire } from '@/lib/clinic-forms/fhir';
import type { ResponseItem } from '@/lib/clinic-forms/response-items';
import { readDefinition } from '@/lib/clinic-forms/templates';
import { portalVisible } from '@/lib/documents/portal-documents';
import type { ExportScope } from './export-scope';
import type { ExportAppointment, ExportInvoice, ExportPatient, ExportRelatedPerson } from './fhir-bundle';

/**
 * The rows of one patient's export, read by (clinic, patient) only, each part as the portal shows
 * it: documents visible to the patient (lib/documents/portal-documents.ts portalVisible), messages
 * not deleted, invoices once sent; items hidden from proxies only for the patient's own export.
 * Files are named here by storage key; build.ts streams them into the ZIP.
 */

export interface FileToExport {
  /** A key of the file row (document, attachment, answer file), to find its ExportedFile again. */
  ref: string;
  storageKey: string;
  /** The path inside the ZIP. */
  path: string;
  /** As recorded; null for a form's answer file (read from the bytes as they are copied). */
  contentType: string | null;
}

export interface CollectedDocument { id: string; title: string; typeName: string; examinationDate: string | null; createdAt: Date; contentType: string; fileRef: string }
export interface CollectedResponse {
  id: string; status: 'in_progress' | 'submitted'; submittedAt: Date | null; updatedAt: Date;
  questionnaire: Questionnaire | null; items: ResponseItem[]; fileRefs: Map<string, string>;
}
export interface CollectedMessage {
  id: string; subject: string; senderKind: 'staff' | 'patient'; senderName: string; senderAccountId: string | null;
  senderRelationship: string | null; createdAt: Date; body: string; attachments: { title: string; contentType: string; fileRef: string }[];
}

export interface CollectedRecord {
  patient: ExportPatient;
  related: ExportRelatedPerson[];
  appointments: ExportAppointment[];
  documents: CollectedDocument[];
  responses: CollectedResponse[];
  messages: CollectedMessage[];
  invoices: ExportInvoice[];
  files: FileToExport[];
}

/** A file name safe inside a ZIP on every system: letters and digits of any script, '.', '-', '_'. */
export function safeFileName(name: string, fallback = 'file'): string {
  const cleaned = name.normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(-100);
  return cleaned || fallback;
}

const EXTENSIONS: Record<string, string> = { 'application/pdf': '.pdf', 'image/jpeg': '.jpg', 'image/png': '.png' };
export const extensionFor = (contentType: string | null) => (contentType ? EXTENSIONS[contentType] ?? '' : '');

export async function collectRecord(db: Executor, tenantId: string, patientId: string, scope: ExportScope): Promise<CollectedRecord | null> {
  const [patient] = await db
    .select({
      id: patients.id, recordNumber: patients.recordNumber, firstName: patients.firstName, lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth, sex: patients.sex, email: patients.email, phone: patients.phone,
      addressLine1: patients.addressLine1, addressLine2: patients.addressLine2, city: patients.city, region: patients.region,
      postalCode: patients.postalCode, country: patients.country, preferredLanguage: patients.preferredLanguage,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId)));
  if (!patient) return null;

  const files: FileToExport[] = [];
  const record: CollectedRecord = {
    patient,
    related: scope.personalDetails ? await relatedPeople(db, tenantId, patientId) : [],
    appointments: scope.appointments ? await patientAppointments(db, tenantId, patientId) : [],
    documents: [],
    responses: [],
    messages: [],
    invoices: scope.invoices ? await patientInvoices(db, tenantId, patientId) : [],
    files,
  };

  if (scope.documents) {
    const rows = await db
      .select({
        id: documents.id, title: documents.title, typeName: documentTypes.name, examinationDate: documents.examinationDate,
        createdAt: documents.createdAt, contentType: documents.contentType, storageKey: documents.storageKey, filename: documents.originalFilename,
      })
      .from(documents)
      .innerJoin(documentTypes, and(eq(documentTypes.tenantId, documents.tenantId), eq(documentTypes.id, documents.typeId)))
      .where(and(portalVisible({ tenantId, patientId }), scope.hiddenFromProxies ? undefined : eq(documents.hiddenFromProxies, false)))
      .orderBy(asc(documents.createdAt), asc(documents.id));
    for (const d of rows) {
      const fileRef = `document:${d.id}`;
      files.push({ ref: fileRef, storageKey: d.storageKey, path: `files/documents/${d.id}-${safeFileName(d.filename, `document${extensionFor(d.contentType)}`)}`, contentType: d.contentType });
      record.documents.push({ id: d.id, title: d.title, typeName: d.typeName, examinationDate: d.examinationDate, createdAt: d.createdAt, contentType: d.contentType, fileRef });
    }
  }

  if (scope.forms) record.responses = await patientResponses(db, tenantId, patientId, files);
  if (scope.messages) record.messages = await patientMessages(db, tenantId, patientId, scope, files);
  return record;
}

async function relatedPeople(db: Executor, tenantId: string, patientId: string): Promise<ExportRelatedPerson[]> {
  const links = await db
    .select({
      id: portalAccounts.id, name: portalAccounts.fullName, relationship: portalAccountPatients.relationship,
      startsOn: portalAccountPatients.startsOn, endsOn: portalAccountPatients.endsOn,
    })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(
      eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.patientId, patientId),
      ne(portalAccountPatients.relationship, 'self'), eq(portalAccounts.status, 'active'),
    ))
    .orderBy(asc(portalAccountPatients.createdAt), asc(portalAccounts.id));
  const contactPatient = aliasedTable(patients, 'contact_patient');
  const contacts = await db
    .select({
      id: patientContacts.id, relationship: patientContacts.relationship, fullName: patientContacts.fullName,
      email: patientContacts.email, phone: patientContacts.phone, firstName: contactPatient.firstName, lastName: contactPatient.lastName,
    })
    .from(patientContacts)
    .leftJoin(contactPatient, and(eq(contactPatient.tenantId, patientContacts.tenantId), eq(contactPatient.id, patientContacts.contactPatientId)))
    .where(and(eq(patientContacts.tenantId, tenantId), eq(patientContacts.patientId, patientId)))
    .orderBy(asc(patientContacts.createdAt), asc(patientContacts.id));
  return [
    // Who can act for the patient in the portal: their name and relationship, not their contact details.
    ...links.map((l) => ({ id: l.id, kind: 'portal_account' as const, name: l.name, relationship: l.relationship, email: null, phone: null, startsOn: l.startsOn, endsOn: l.endsOn })),
    ...contacts.map((c) => ({
      id: c.id, kind: 'contact' as const, name: c.fullName ?? `${c.firstName ?? ''} ${c.lastName ?? ''}`.trim(), relationship: c.relationship,
      // A contact who is a patient of the clinic is named only; their own details stay in their own record.
      email: c.fullName ? c.email : null, phone: c.fullName ? c.phone : null, startsOn: null, endsOn: null,
    })),
  ];
}

async function patientAppointments(db: Executor, tenantId: string, patientId: string): Promise<ExportAppointment[]> {
  return db
    .select({
      id: appointments.id, status: appointments.status, startsAt: appointments.startsAt, endsAt: appointments.endsAt,
      createdAt: appointments.createdAt, serviceName: services.name, providerName: staffUsers.fullName,
      locationName: locations.name, cancelReason: appointments.cancelReason,
    })
    .from(appointments)
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)))
    .where(and(eq(appointments.tenantId, tenantId), eq(appointments.patientId, patientId)))
    .orderBy(asc(appointments.startsAt), asc(appointments.id));
}

async function patientInvoices(db: Executor, tenantId: string, patientId: string): Promise<ExportInvoice[]> {
  const rows = await db
    .select({
      id: invoices.id, number: invoices.number, status: invoices.status, currency: invoices.currency, issueDate: invoices.issueDate,
      dueDate: invoices.dueDate, subtotal: invoices.subtotal, discountTotal: invoices.discountTotal, taxTotal: invoices.taxTotal,
      total: invoices.total, note: invoices.note, voidReason: invoices.voidReason,
    })
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.patientId, patientId), ne(invoices.status, 'draft')))
    .orderBy(asc(invoices.createdAt), asc(invoices.id));
  if (rows.length === 0) return [];
  const lines = await db
    .select({
      invoiceId: invoiceLines.invoiceId, position: invoiceLines.position, description: invoiceLines.description, quantity: invoiceLines.quantity,
      unitAmount: invoiceLines.unitAmount, discountAmount: invoiceLines.discountAmount, taxRateBp: invoiceLines.taxRateBp, taxAmount: invoiceLines.taxAmount,
    })
    .from(invoiceLines)
    .innerJoin(invoices, and(eq(invoices.tenantId, invoiceLines.tenantId), eq(invoices.id, invoiceLines.invoiceId)))
    .where(and(eq(invoiceLines.tenantId, tenantId), eq(invoices.patientId, patientId), ne(invoices.status, 'draft')))
    .orderBy(asc(invoiceLines.invoiceId), asc(invoiceLines.position));
  const byInvoice = groupBy(lines, (l) => l.invoiceId);
  return rows.map((r) => ({ ...r, lines: (byInvoice.get(r.id) ?? []).map(({ invoiceId: _, ...line }) => line) }));
}

async function patientResponses(db: Executor, tenantId: string, patientId: string, files: FileToExport[]): Promise<CollectedResponse[]> {
  const rows = await db
    .select({
      id: formResponses.id, assignmentId: formResponses.assignmentId, status: formResponses.status, items: formResponses.items,
      submittedAt: formResponses.submittedAt, updatedAt: formResponses.updatedAt, kind: formTemplates.kind,
      definition: formTemplateVersions.definition, version: formTemplateVersions.version,
    })
    .from(formResponses)
    .innerJoin(formAssignments, and(eq(formAssignments.tenantId, formResponses.tenantId), eq(formAssignments.id, formResponses.assignmentId)))
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formResponses.tenantId), eq(formTemplateVersions.id, formResponses.versionId)))
    .where(and(eq(formResponses.tenantId, tenantId), eq(formResponses.patientId, patientId)))
    .orderBy(asc(formResponses.createdAt), asc(formResponses.id));
  return rows.map((r) => {
    let questionnaire: Questionnaire | null = null;
    try {
      questionnaire = toQuestionnaire(readDefinition(r.definition, r.kind), { status: 'active', version: r.version });
    } catch {
      // A stored version this product can no longer read: the answers still carry each question's text.
    }
    const items = (Array.isArray(r.items) ? r.items : []) as ResponseItem[];
    const fileRefs = new Map<string, string>();
    for (const fileId of answerFileIds(items)) {
      const ref = `answer:${r.id}:${fileId}`;
      fileRefs.set(fileId, ref);
      // The key is rebuilt from the clinic, patient and assignment, never read from the answer (lib/clinic-forms/answer-files.ts).
      files.push({ ref, storageKey: answerFileKey(tenantId, patientId, r.assignmentId, fileId), path: `files/forms/${r.id}/${fileId}`, contentType: null });
    }
    return { id: r.id, status: r.status, submittedAt: r.submittedAt, updatedAt: r.updatedAt, questionnaire, items, fileRefs };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function answerFileIds(items: readonly ResponseItem[]): string[] {
  const ids: string[] = [];
  const walk = (list: readonly ResponseItem[]) => {
    for (const item of list) {
      for (const answer of item.answer ?? []) if (answer.valueAttachment && UUID.test(answer.valueAttachment.id)) ids.push(answer.valueAttachment.id);
      if (item.item) walk(item.item);
    }
  };
  walk(items);
  return [...new Set(ids)];
}

async function patientMessages(db: Executor, tenantId: string, patientId: string, scope: ExportScope, files: FileToExport[]): Promise<CollectedMessage[]> {
  const m = conversationMessages;
  const rows = await db
    .select({
      id: m.id, subject: conversations.subject, senderKind: m.senderKind, senderAccountId: m.senderAccountId, body: m.body, createdAt: m.createdAt,
      staffName: staffUsers.fullName, accountName: portalAccounts.fullName, relationship: portalAccountPatients.relationship,
    })
    .from(m)
    .innerJoin(conversations, and(eq(conversations.tenantId, m.tenantId), eq(conversations.id, m.conversationId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, m.tenantId), eq(staffUsers.id, m.senderStaffId)))
    .leftJoin(portalAccounts, and(eq(portalAccounts.tenantId, m.tenantId), eq(portalAccounts.id, m.senderAccountId)))
    .leftJoin(portalAccountPatients, and(
      eq(portalAccountPatients.tenantId, m.tenantId), eq(portalAccountPatients.accountId, m.senderAccountId), eq(portalAccountPatients.patientId, patientId),
    ))
    .where(and(
      eq(m.tenantId, tenantId), eq(conversations.patientId, patientId), isNull(m.deletedAt),
      scope.hiddenFromProxies ? undefined : eq(conversations.hiddenFromProxies, false),
    ))
    .orderBy(asc(conversations.createdAt), asc(conversations.id), asc(m.createdAt), asc(m.id));
  const attachments = rows.length === 0 ? [] : await db
    .select({
      id: messageAttachments.id, messageId: messageAttachments.messageId, filename: messageAttachments.originalFilename,
      contentType: messageAttachments.contentType, storageKey: messageAttachments.storageKey,
    })
    .from(messageAttachments)
    .innerJoin(m, and(eq(m.tenantId, messageAttachments.tenantId), eq(m.id, messageAttachments.messageId)))
    .innerJoin(conversations, and(eq(conversations.tenantId, m.tenantId), eq(conversations.id, m.conversationId)))
    .where(and(eq(messageAttachments.tenantId, tenantId), eq(conversations.patientId, patientId), isNull(m.deletedAt)))
    .orderBy(asc(messageAttachments.createdAt), asc(messageAttachments.id));
  // Attachments of messages left out above (a hidden conversation) are never picked up: only rows' own ids are.
  const byMessage = groupBy(attachments, (a) => a.messageId);
  return rows.map((r) => ({
    id: r.id, subject: r.subject, senderKind: r.senderKind,
    senderName: (r.senderKind === 'staff' ? r.staffName : r.accountName) ?? (r.senderKind === 'staff' ? 'Clinic staff' : 'Patient'),
    senderAccountId: r.senderAccountId, senderRelationship: r.relationship, createdAt: r.createdAt, body: r.body,
    attachments: (byMessage.get(r.id) ?? []).map((a) => {
      const fileRef = `attachment:${a.id}`;
      files.push({ ref: fileRef, storageKey: a.storageKey, path: `files/messages/${a.id}-${safeFileName(a.filename, `attachment${extensionFor(a.contentType)}`)}`, contentType: a.contentType });
      return { title: a.filename, contentType: a.contentType, fileRef };
    }),
  }));
}

/** Node 20 has no Map.groupBy. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(key(item));
    if (list) list.push(item);
    else map.set(key(item), [item]);
  }
  return map;
}
