import 'server-only';
import { currencyDigits } from '@/lib/billing/money';
import type { Questionnaire } from '@/lib/clinic-forms/fhir';
import type { ResponseAnswer, ResponseItem } from '@/lib/clinic-forms/response-items';

/**
 * A patient's record as a FHIR R4 Bundle of type "collection" (issue 19, "export my data"). Pure:
 * the job (build.ts) reads the rows and streams the files, then hands this what it found. Every
 * resource's id is its row's id and every reference is the `urn:uuid:` full URL of an entry, so
 * the Bundle stands on its own. FHIR strings may not be empty, so empty values are left out.
 * tests/integration/data-export validates the result against the official R4 JSON schema.
 */

/** A file written into the ZIP: where, how big, and its digests (SHA-1 is what FHIR's Attachment.hash holds). */
export interface ExportedFile {
  /** The path inside the ZIP, e.g. `files/documents/<id>-report.pdf`. */
  path: string;
  contentType: string;
  size: number;
  sha1Base64: string;
  sha256Hex: string;
}

export interface ExportPatient {
  id: string;
  recordNumber: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  sex: 'female' | 'male' | 'other' | 'unknown';
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  preferredLanguage: string | null;
}

export interface ExportRelatedPerson {
  id: string;
  /** A portal account acting for the patient, or a contact on the patient's record. */
  kind: 'portal_account' | 'contact';
  name: string;
  relationship: string;
  email: string | null;
  phone: string | null;
  /** A portal link's dates (YYYY-MM-DD). */
  startsOn: string | null;
  endsOn: string | null;
}

export interface ExportAppointment {
  id: string;
  status: 'booked' | 'cancelled' | 'completed' | 'no_show';
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
  serviceName: string;
  providerName: string;
  locationName: string;
  cancelReason: string | null;
}

export interface ExportDocument {
  id: string;
  title: string;
  typeName: string;
  examinationDate: string | null;
  createdAt: Date;
  contentType: string;
  /** Null when the stored file could not be found (the README says so). */
  file: ExportedFile | null;
}

export interface ExportFormResponse {
  id: string;
  status: 'in_progress' | 'submitted';
  submittedAt: Date | null;
  updatedAt: Date;
  /** The form as it was when assigned (a frozen version), or null if it cannot be read. */
  questionnaire: Questionnaire | null;
  items: ResponseItem[];
  /** Files answered to file questions, by the answer's file id. */
  files: ReadonlyMap<string, ExportedFile>;
}

export interface ExportMessage {
  id: string;
  subject: string;
  senderKind: 'staff' | 'patient';
  senderName: string;
  /** The portal account that wrote a patient-side message, and how it is related to the patient. */
  senderAccountId: string | null;
  senderRelationship: string | null;
  createdAt: Date;
  body: string;
  attachments: { title: string; file: ExportedFile | null; contentType: string }[];
}

export interface ExportInvoiceLine {
  position: number;
  description: string;
  quantity: number;
  unitAmount: number;
  discountAmount: number;
  taxRateBp: number;
  taxAmount: number;
}

export interface ExportInvoice {
  id: string;
  number: number | null;
  status: 'draft' | 'open' | 'partially_paid' | 'paid' | 'void' | 'uncollectible';
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
  note: string | null;
  voidReason: string | null;
  lines: ExportInvoiceLine[];
}

export interface ExportContent {
  exportId: string;
  generatedAt: Date;
  clinicName: string;
  patient: ExportPatient;
  /** Whether the Patient carries contact details, address and language (the "records" area). */
  withPersonalDetails: boolean;
  related: ExportRelatedPerson[];
  appointments: ExportAppointment[];
  documents: ExportDocument[];
  responses: ExportFormResponse[];
  messages: ExportMessage[];
  invoices: ExportInvoice[];
}

type Json = Record<string, unknown>;

export interface FhirBundle {
  resourceType: 'Bundle';
  id: string;
  type: 'collection';
  timestamp: string;
  entry: { fullUrl: string; resource: Json & { resourceType: string; id: string } }[];
}

const ROLE_CODES = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
/** v3 RoleCode for the relationships that have one; the others are named in text only. */
const RELATIONSHIP_CODES: Record<string, { code: string; display: string }> = {
  parent: { code: 'PRN', display: 'parent' },
  guardian: { code: 'GUARD', display: 'guardian' },
  spouse: { code: 'SPS', display: 'spouse' },
  child: { code: 'CHILD', display: 'child' },
};

export const urnOf = (id: string) => `urn:uuid:${id}`;

/** Leaves out null, undefined, empty strings and empty arrays: FHIR allows none of them. */
function compact<T extends Json>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as T;
}

/** Integer minor units as the decimal FHIR's Money holds: 12345 USD → 123.45, 500 JPY → 500. */
export function minorToDecimal(minor: number, currency: string): number {
  const digits = currencyDigits(currency);
  if (digits === 0) return minor;
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  // Built from the digits as text, never through a division of floats.
  return Number(`${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`);
}

const money = (minor: number, currency: string) => ({ value: minorToDecimal(minor, currency), currency });

/** A path inside the ZIP as a relative URL (spaces and non-ASCII letters percent-encoded). */
export function zipUrl(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function attachmentOf(file: ExportedFile | null, title: string, contentType: string, creation?: string | null): Json {
  return compact({
    contentType: file?.contentType ?? contentType,
    url: file ? zipUrl(file.path) : undefined,
    size: file?.size,
    hash: file?.sha1Base64,
    title,
    creation: creation ?? undefined,
  });
}

function patientResource(content: ExportContent): Json {
  const p = content.patient;
  const personal = content.withPersonalDetails;
  const line = [p.addressLine1, p.addressLine2].filter((l): l is string => Boolean(l?.trim()));
  const address = compact({ line, city: p.city, state: p.region, postalCode: p.postalCode, country: p.country });
  return compact({
    resourceType: 'Patient',
    id: p.id,
    identifier: [{ type: { text: 'Record number' }, value: p.recordNumber }],
    name: [compact({ text: `${p.firstName} ${p.lastName}`.trim(), family: p.lastName, given: p.firstName ? [p.firstName] : undefined })],
    gender: p.sex,
    birthDate: p.dateOfBirth,
    telecom: personal ? [
      p.phone ? { system: 'phone', value: p.phone, use: 'mobile' } : null,
      p.email ? { system: 'email', value: p.email } : null,
    ].filter(Boolean) : undefined,
    address: personal && Object.keys(address).length > 0 ? [address] : undefined,
    communication: personal && p.preferredLanguage
      ? [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: p.preferredLanguage }] }, preferred: true }]
      : undefined,
    managingOrganization: { display: content.clinicName },
  });
}

function relatedPersonResource(person: ExportRelatedPerson, patientId: string): Json {
  const coded = RELATIONSHIP_CODES[person.relationship];
  const relationship = compact({
    coding: coded ? [{ system: ROLE_CODES, ...coded }] : undefined,
    text: person.kind === 'portal_account' ? `${person.relationship} (acts for the patient in the patient portal)` : person.relationship,
  });
  return compact({
    resourceType: 'RelatedPerson',
    id: person.id,
    active: true,
    patient: { reference: urnOf(patientId) },
    relationship: [relationship],
    name: [{ text: person.name }],
    telecom: [
      person.phone ? { system: 'phone', value: person.phone } : null,
      person.email ? { system: 'email', value: person.email } : null,
    ].filter(Boolean),
    period: person.startsOn || person.endsOn ? compact({ start: person.startsOn, end: person.endsOn }) : undefined,
  });
}

const APPOINTMENT_STATUS: Record<ExportAppointment['status'], string> = {
  booked: 'booked', cancelled: 'cancelled', completed: 'fulfilled', no_show: 'noshow',
};

function appointmentResource(a: ExportAppointment, patient: ExportPatient): Json {
  return compact({
    resourceType: 'Appointment',
    id: a.id,
    status: APPOINTMENT_STATUS[a.status],
    cancelationReason: a.status === 'cancelled' && a.cancelReason ? { text: a.cancelReason } : undefined,
    serviceType: [{ text: a.serviceName }],
    start: a.startsAt.toISOString(),
    end: a.endsAt.toISOString(),
    created: a.createdAt.toISOString(),
    participant: [
      { actor: { reference: urnOf(patient.id), display: `${patient.firstName} ${patient.lastName}` }, status: 'accepted' },
      { actor: { display: a.providerName }, status: 'accepted' },
      { actor: { display: a.locationName }, status: 'accepted' },
    ],
  });
}

function documentReferenceResource(d: ExportDocument, patientId: string): Json {
  return compact({
    resourceType: 'DocumentReference',
    id: d.id,
    status: 'current',
    type: { text: d.typeName },
    subject: { reference: urnOf(patientId) },
    date: d.createdAt.toISOString(),
    description: d.title,
    content: [{ attachment: attachmentOf(d.file, d.title, d.contentType, d.examinationDate) }],
    context: d.examinationDate ? { period: { start: d.examinationDate } } : undefined,
  });
}

/** Answers as stored, with a file answer pointing at its file in the ZIP. */
function answerOf(answer: ResponseAnswer, files: ReadonlyMap<string, ExportedFile>): Json {
  if (!answer.valueAttachment) return compact({ ...answer } as Json);
  const file = files.get(answer.valueAttachment.id) ?? null;
  return { valueAttachment: file ? attachmentOf(file, 'Uploaded file', file.contentType) : { title: 'Uploaded file (no longer stored)' } };
}

function responseItemOf(item: ResponseItem, files: ReadonlyMap<string, ExportedFile>): Json {
  return compact({
    linkId: item.linkId,
    text: item.text,
    answer: item.answer?.map((a) => answerOf(a, files)),
    item: item.item?.map((i) => responseItemOf(i, files)),
  });
}

function questionnaireResponseResource(r: ExportFormResponse, patientId: string): Json {
  // The form travels with its answers, contained, so the questions' wording is kept.
  const contained = r.questionnaire ? [{ ...r.questionnaire, id: 'form' }] : undefined;
  return compact({
    resourceType: 'QuestionnaireResponse',
    id: r.id,
    contained,
    questionnaire: contained ? '#form' : undefined,
    status: r.status === 'submitted' ? 'completed' : 'in-progress',
    subject: { reference: urnOf(patientId) },
    authored: (r.submittedAt ?? r.updatedAt).toISOString(),
    item: r.items.map((i) => responseItemOf(i, r.files)),
  });
}

function communicationResource(m: ExportMessage, content: ExportContent): Json {
  const patient = content.patient;
  const patientRef = { reference: urnOf(patient.id), display: `${patient.firstName} ${patient.lastName}` };
  const clinic = { display: content.clinicName };
  // A patient-side message is the patient's own, or a proxy's (a RelatedPerson when still linked).
  const proxy = m.senderAccountId ? content.related.find((r) => r.kind === 'portal_account' && r.id === m.senderAccountId) : undefined;
  const sender = m.senderKind === 'staff' ? { display: m.senderName }
    : m.senderRelationship === 'self' ? patientRef
      : proxy ? { reference: urnOf(proxy.id), display: m.senderName }
        : { display: m.senderName };
  const payload: Json[] = [];
  if (m.body.trim()) payload.push({ contentString: m.body });
  for (const a of m.attachments) payload.push({ contentAttachment: attachmentOf(a.file, a.title, a.contentType) });
  // Communication.payload needs content; a message with nothing left to show says so.
  if (payload.length === 0) payload.push({ contentString: '(no text)' });
  return compact({
    resourceType: 'Communication',
    id: m.id,
    status: 'completed',
    subject: { reference: urnOf(patient.id) },
    topic: { text: m.subject },
    sent: m.createdAt.toISOString(),
    sender,
    recipient: [m.senderKind === 'staff' ? patientRef : clinic],
    payload,
  });
}

/**
 * An invoice's state in FHIR's words: open and partly paid ones are issued, paid ones balanced,
 * void ones cancelled. An uncollectible invoice was written off by the clinic: nothing more is
 * asked for it, which FHIR calls balanced too (the note says it was written off).
 */
const INVOICE_STATUS: Record<ExportInvoice['status'], string> = {
  draft: 'draft', open: 'issued', partially_paid: 'issued', paid: 'balanced', void: 'cancelled', uncollectible: 'balanced',
};

function invoiceResource(inv: ExportInvoice, patientId: string): Json {
  const notes = [inv.note, inv.status === 'uncollectible' ? 'Written off by the clinic.' : null, inv.dueDate ? `Due ${inv.dueDate}.` : null]
    .filter((n): n is string => Boolean(n?.trim()));
  return compact({
    resourceType: 'Invoice',
    id: inv.id,
    identifier: inv.number !== null ? [{ value: String(inv.number) }] : undefined,
    status: INVOICE_STATUS[inv.status],
    cancelledReason: inv.status === 'void' ? inv.voidReason : undefined,
    subject: { reference: urnOf(patientId) },
    recipient: { reference: urnOf(patientId) },
    date: inv.issueDate,
    lineItem: inv.lines.map((line) => ({
      sequence: line.position,
      chargeItemCodeableConcept: { text: line.description },
      priceComponent: [
        { type: 'base', factor: line.quantity, amount: money(line.unitAmount, inv.currency) },
        ...(line.discountAmount > 0 ? [{ type: 'discount', amount: money(line.discountAmount, inv.currency) }] : []),
        ...(line.taxAmount > 0 ? [{ type: 'tax', factor: line.taxRateBp / 10_000, amount: money(line.taxAmount, inv.currency) }] : []),
      ],
    })),
    // Net: before tax (subtotal less discounts); gross: what the invoice asks for.
    totalNet: money(inv.subtotal - inv.discountTotal, inv.currency),
    totalGross: money(inv.total, inv.currency),
    note: notes.map((text) => ({ text })),
  });
}

export function buildBundle(content: ExportContent): FhirBundle {
  const patientId = content.patient.id;
  const resources: (Json & { resourceType: string; id: string })[] = [
    patientResource(content),
    ...content.related.map((r) => relatedPersonResource(r, patientId)),
    ...content.appointments.map((a) => appointmentResource(a, content.patient)),
    ...content.documents.map((d) => documentReferenceResource(d, patientId)),
    ...content.responses.map((r) => questionnaireResponseResource(r, patientId)),
    ...content.messages.map((m) => communicationResource(m, content)),
    // A draft was never sent to the patient: it is not part of their record yet.
    ...content.invoices.filter((i) => i.status !== 'draft').map((i) => invoiceResource(i, patientId)),
  ] as (Json & { resourceType: string; id: string })[];
  return {
    resourceType: 'Bundle',
    id: content.exportId,
    type: 'collection',
    timestamp: content.generatedAt.toISOString(),
    entry: resources.map((resource) => ({ fullUrl: urnOf(resource.id), resource })),
  };
}
