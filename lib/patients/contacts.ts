import { and, asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { patientContacts, patients, relationshipKinds } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { toE164 } from '@/lib/phone/format';
import { withoutControlChars } from '@/lib/validation/text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A contact is another patient of the clinic (by record number) or a person who is not one. */
export const contactInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('patient'),
    relationship: z.enum(relationshipKinds, 'Choose the relationship.'),
    recordNumber: withoutControlChars(z.string()).trim().min(1, 'Enter the record number of the contact.').max(30, 'Record numbers are at most 30 characters.').transform((v) => v.toUpperCase()),
  }),
  z.object({
    kind: z.literal('person'),
    relationship: z.enum(relationshipKinds, 'Choose the relationship.'),
    fullName: withoutControlChars(z.string()).trim().min(1, 'Enter the contact’s name.').max(120, 'Keep the name to 120 characters or fewer.'),
    email: z.string().trim().max(254, 'Enter a valid email address.').optional().transform((v, ctx) => {
      if (!v) return null;
      if (!z.email().safeParse(v).success) {
        ctx.addIssue({ code: 'custom', message: 'Enter a valid email address.' });
        return z.NEVER;
      }
      return v.toLowerCase();
    }),
    phone: z.string().trim().max(40, 'Enter a valid phone number.').optional().transform((v, ctx) => {
      if (!v) return null;
      const e164 = toE164(v);
      if (!e164) {
        ctx.addIssue({ code: 'custom', message: 'Enter a valid phone number.' });
        return z.NEVER;
      }
      return e164;
    }),
  }),
]);
export type ContactInput = z.output<typeof contactInputSchema>;

async function requirePatient(db: Executor, ctx: StaffContext, patientId: string) {
  if (!UUID.test(patientId)) throw new NotFoundError('patient');
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
}

export async function listContacts(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'patients.view');
  await requirePatient(db, ctx, patientId);
  const other = alias(patients, 'contact_patient');
  return db
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
  await recordAudit(db, {
    tenantId: ctx.tenant.id, actor: { kind: 'staff', id: ctx.actor.id }, action: 'patient.contact_added', patientId,
    ip: ctx.ip, userAgent: ctx.userAgent, target: { type: 'patient_contact', id: row!.id }, details: { relationship: input.relationship, kind: input.kind },
  });
  return { ok: true };
}

export async function removeContact(db: Executor, ctx: StaffContext, patientId: string, contactId: string): Promise<void> {
  assertPermission(ctx, 'patients.edit');
  if (!UUID.test(contactId)) throw new NotFoundError('contact');
  const removed = await db
    .delete(patientContacts)
    .where(and(eq(patientContacts.tenantId, ctx.tenant.id), eq(patientContacts.patientId, patientId), eq(patientContacts.id, contactId)))
    .returning({ id: patientContacts.id, relationship: patientContacts.relationship });
  if (removed.length === 0) throw new NotFoundError('contact');
  await recordAudit(db, {
    tenantId: ctx.tenant.id, actor: { kind: 'staff', id: ctx.actor.id }, action: 'patient.contact_removed', patientId,
    ip: ctx.ip, userAgent: ctx.userAgent, target: { type: 'patient_contact', id: contactId }, details: { relationship: removed[0]!.relationship },
  });
}
