import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import { patientContacts, patients, portalAccountPatients, portalAccounts } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { listLinkedPatients } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { PatientNoteAuditActions } from './audit-actions';

/**
 * The portal's "My relationships" (seed 002, issue 15 point 11), read-only:
 *  - the patients the signed-in account acts for;
 *  - the portal accounts linked to the selected patient, with how each is related to them. Every
 *    link gives the same access to that patient (lib/access/context.ts PortalContext): bookings,
 *    shared documents, messages, history, personal data and the clinic's shared notes; only the
 *    patient's own account ('self') changes the phone and email it signs in with. Names only: an
 *    account's email and phone are not shown to the others;
 *  - the contacts on the patient's record (patient_contacts), who have no portal access through
 *    being a contact;
 *  - the documents every one of those accounts can see (the portal's own list).
 */
export async function loadPortalRelationships(db: Executor, ctx: PortalContext) {
  // The account's links as they are now (staff may have changed them since the session began).
  const linked = await listLinkedPatients(db, ctx.tenant.id, ctx.account.id);
  if (!linked.some((p) => p.id === ctx.patient.id)) throw new NotFoundError('patient');
  const accounts = await db
    .select({ id: portalAccounts.id, fullName: portalAccounts.fullName, relationship: portalAccountPatients.relationship, since: portalAccountPatients.createdAt })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(
      eq(portalAccountPatients.tenantId, ctx.tenant.id),
      eq(portalAccountPatients.patientId, ctx.patient.id),
      eq(portalAccounts.status, 'active'),
    ))
    .orderBy(asc(portalAccountPatients.createdAt), asc(portalAccounts.fullName));

  const contactPatient = alias(patients, 'contact_patient');
  const contacts = await db
    .select({
      id: patientContacts.id,
      relationship: patientContacts.relationship,
      fullName: patientContacts.fullName,
      patientFirstName: contactPatient.firstName,
      patientLastName: contactPatient.lastName,
    })
    .from(patientContacts)
    .leftJoin(contactPatient, and(eq(contactPatient.tenantId, patientContacts.tenantId), eq(contactPatient.id, patientContacts.contactPatientId)))
    .where(and(eq(patientContacts.tenantId, ctx.tenant.id), eq(patientContacts.patientId, ctx.patient.id)))
    .orderBy(asc(patientContacts.createdAt));

  const documents = await listPortalDocuments(db, ctx);
  await recordAudit(db, ctx, {
    action: PatientNoteAuditActions.relationshipsViewed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { accounts: accounts.length, contacts: contacts.length },
  });
  return {
    actsFor: linked.map(({ id, firstName, lastName, relationship }) => ({ id, firstName, lastName, relationship, selected: id === ctx.patient.id })),
    accounts: accounts.map(({ id, fullName, relationship, since }) => ({ fullName, relationship, since, isYou: id === ctx.account.id })),
    contacts: contacts.map((c) => ({
      id: c.id,
      relationship: c.relationship,
      name: c.patientFirstName ? `${c.patientFirstName} ${c.patientLastName}` : (c.fullName ?? ''),
    })),
    documents,
  };
}
export type PortalRelationships = Awaited<ReturnType<typeof loadPortalRelationships>>;
