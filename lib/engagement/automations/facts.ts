import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, formAssignments, invoices, orders, patientConsents, patients } from '@/db/schema';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { isUuid } from '@/lib/kernel/ids';
import type { Facts, FactKind, PatientFacts } from './evaluate';

/**
 * The facts conditions are decided on, read in the caller's transaction (the fan-out's or the
 * step's), each kind only when a condition needs it. Every read is by the clinic and an id from
 * the event, so an event can only ever see its own clinic's rows.
 */

export async function loadPatientFacts(db: Executor, tenantId: string, patientId: string): Promise<PatientFacts | null> {
  const [row] = await db
    .select({
      dateOfBirth: patients.dateOfBirth,
      language: patients.preferredLanguage,
      // Qualified by hand: in a one-table select drizzle writes columns unqualified.
      tags: sql<string[]>`coalesce((select array_agg(t.tag) from patient_tags t
        where t.tenant_id = "patients"."tenant_id" and t.patient_id = "patients"."id"), '{}')`,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId)));
  if (!row) return null;
  const answers = await db
    .selectDistinctOn([patientConsents.channel, patientConsents.purpose], {
      channel: patientConsents.channel, purpose: patientConsents.purpose, granted: patientConsents.granted,
    })
    .from(patientConsents)
    .where(and(eq(patientConsents.tenantId, tenantId), eq(patientConsents.patientId, patientId)))
    .orderBy(patientConsents.channel, patientConsents.purpose, desc(patientConsents.recordedAt), desc(patientConsents.id));
  const consents: PatientFacts['consents'] = {};
  for (const a of answers) consents[`${a.channel}:${a.purpose}`] = a.granted;
  return { dateOfBirth: row.dateOfBirth, language: row.language, tags: new Set(row.tags), consents };
}

function idOf(subject: Readonly<Record<string, unknown>>, key: string): string | null {
  const value = subject[key];
  return isUuid(value) ? value : null;
}

export interface EventRef {
  tenantId: string;
  patientId: string | null;
  subject: Readonly<Record<string, unknown>>;
}

export async function loadFacts(db: Executor, event: EventRef, needed: ReadonlySet<FactKind>, at: Date): Promise<Facts> {
  const { tenantId, subject } = event;
  const facts: Facts = { subject, today: await clinicToday(db, tenantId, at), patient: null };
  if (needed.has('patient') && event.patientId) facts.patient = await loadPatientFacts(db, tenantId, event.patientId);
  const appointmentId = idOf(subject, 'appointmentId');
  if (needed.has('appointment')) facts.appointmentStatus = appointmentId ? (await appointmentOf(db, tenantId, appointmentId))?.status ?? null : null;
  const assignmentId = idOf(subject, 'assignmentId');
  if (needed.has('form') && assignmentId) {
    const [row] = await db.select({ status: formAssignments.status }).from(formAssignments)
      .where(and(eq(formAssignments.tenantId, tenantId), eq(formAssignments.id, assignmentId)));
    facts.formState = !row ? null : row.status === 'assigned' || row.status === 'in_progress' ? 'open' : row.status === 'submitted' || row.status === 'reviewed' ? 'submitted' : 'other';
  }
  const invoiceId = idOf(subject, 'invoiceId');
  if (needed.has('invoice') && invoiceId) {
    const [row] = await db.select({ status: invoices.status }).from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, invoiceId)));
    facts.invoiceState = !row ? null : row.status === 'open' || row.status === 'partially_paid' ? 'owed' : row.status === 'paid' ? 'paid' : 'other';
  }
  const orderId = idOf(subject, 'orderId');
  if (needed.has('order') && orderId) {
    const [row] = await db.select({ status: orders.status }).from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)));
    facts.orderStatus = row?.status ?? null;
  }
  return facts;
}

export async function appointmentOf(db: Executor, tenantId: string, appointmentId: string) {
  const [row] = await db
    .select({ status: appointments.status, startsAt: appointments.startsAt, endsAt: appointments.endsAt, patientId: appointments.patientId })
    .from(appointments)
    .where(and(eq(appointments.tenantId, tenantId), eq(appointments.id, appointmentId)));
  return row ?? null;
}

export async function formDueOf(db: Executor, tenantId: string, assignmentId: string): Promise<string | null> {
  const [row] = await db.select({ dueOn: formAssignments.dueOn }).from(formAssignments)
    .where(and(eq(formAssignments.tenantId, tenantId), eq(formAssignments.id, assignmentId)));
  return row?.dueOn ?? null;
}
