import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import { patientContacts, patients } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from './chart-audit';
import type { ContactInput } from './contact-schema';

async function requirePatient(db: Executor, ctx: StaffContext, patientId: string) {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
}

export async function listContacts(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'patients.view');
  await requirePatient(db, ctx, patientId);
  const other = alias(patients, 'contact_patient');
  const rows = await db
    .select({
      id: patientContacts.id,
      relationship: patientContacts.relationship,
      contactPatientId: patientContacts.contactPatientId,
      fullName: patientContacts.fullName,
      email: patientContacts.email,
      phone: patientContacts.phone,
      patientFirstName: other.firstName,
      patientLastName: other.lastName,
      patientRecordNumber: other.recordNumber,
      patientEmail: other.email,
      patientPhone: other.phone,
    })
    .from(patientContacts)
    .leftJoin(other, and(eq(other.tenantId, patientContacts.tenantId), eq(other.id, patientContacts.contactPatientId)))
    .where(and(eq(patientContacts.tenantId, ctx.tenant.id), eq(patientContacts.patientId, patientId)))
    .orderBy(asc(patientContacts.createdAt));
  await auditChartSection(db, ctx, patientId, 'contacts');
  return rows;
}

export type AddContactResult = { ok: true } | { ok: false; field: string; message: string };

export async function addContact(db: Executor, ctx: StaffContext, patientId: string, input: ContactInput): Promise<AddContactResult> {
  assertPermission(ctx, 'patients.edit');
  await requirePatient(db, ctx, patientId);
  let values: typeof patientContacts.$inferInsert;
  if (input.kind === 'patient') {
    const [contact] = await db
      .select({ id: patients.id })
      .from(patients)
      .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.recordNumber, input.recordNumber)));
    if (!contact) return { ok: false, field: 'recordNumber', message: 'No patient has this record number.' };
    if (contact.id === patientId) return { ok: false, field: 'recordNumber', message: 'A patient cannot be their own contact.' };
    values = { tenantId: ctx.tenant.id, patientId, contactPatientId: contact.id, relationship: input.relationship };
  } else {
    values = { tenantId: ctx.tenant.id, patientId, relationship: input.relationship, fullName: input.fullName, email: input.email, phone: input.phone };
  }
  const [row] = await db.insert(patientContacts).values(values).returning({ id: patientContacts.id });
  await recordAudit(db, ctx, {
    action: 'patient.contact_added', patientId, target: { type: 'patient_contact', id: row!.id }, details: { relationship: input.relationship, kind: input.kind },
  });
  return { ok: true };
}

export async function removeContact(db: Executor, ctx: StaffContext, patientId: string, contactId: string): Promise<void> {
  assertPermission(ctx, 'patients.edit');
  if (!isUuid(contactId)) throw new NotFoundError('contact');
  const removed = await db
    .delete(patientContacts)
    .where(and(eq(patientContacts.tenantId, ctx.tenant.id), eq(patientContacts.patientId, patientId), eq(patientContacts.id, contactId)))
    .returning({ id: patientContacts.id, relationship: patientContacts.relationship });
  if (removed.length === 0) throw new NotFoundError('contact');
  await recordAudit(db, ctx, {
    action: 'patient.contact_removed', patientId, target: { type: 'patient_contact', id: contactId }, details: { relationship: removed[0]!.relationship },
  });
}
