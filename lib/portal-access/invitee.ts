import 'server-only';
import { and, eq, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import { patientContacts, patients, type PortalRelationship } from '@/db/schema';
import { normalizeIdentifier } from '@/lib/auth/identifiers';
import { findPatientForAccess, fullNameOf } from './accounts';

export interface Invitee {
  fullName: string;
  /** Where the SMS code goes; null when the clinic has no number for this person. */
  phone: string | null;
  nationalIdHash: string | null;
  language: string | null;
}

const contactPatient = alias(patients, 'contact_patient');

/**
 * Who an invitation is for, from the clinic's records: the patient themself, or the patient's
 * contact with that email (a contact row, or the other patient it points to). The phone and
 * national ID come from those records, never from the person accepting.
 */
export async function resolveInvitee(
  db: Executor,
  tenantId: string,
  invite: { patientId: string; relationship: PortalRelationship | null; email: string },
): Promise<Invitee | null> {
  const patient = await findPatientForAccess(db, tenantId, invite.patientId);
  if (!patient) return null;
  if (invite.relationship === 'self' || invite.relationship === null) {
    return { fullName: fullNameOf(patient), phone: patient.phone, nationalIdHash: patient.nationalIdHash, language: patient.preferredLanguage };
  }
  const email = normalizeIdentifier('email', invite.email);
  const contacts = await db
    .select({
      fullName: patientContacts.fullName,
      phone: patientContacts.phone,
      patientFirstName: contactPatient.firstName,
      patientLastName: contactPatient.lastName,
      patientPhone: contactPatient.phone,
      nationalIdHash: contactPatient.nationalIdHash,
      language: contactPatient.preferredLanguage,
    })
    .from(patientContacts)
    .leftJoin(contactPatient, and(eq(contactPatient.tenantId, patientContacts.tenantId), eq(contactPatient.id, patientContacts.contactPatientId)))
    .where(and(
      eq(patientContacts.tenantId, tenantId),
      eq(patientContacts.patientId, invite.patientId),
      or(sql`lower(${patientContacts.email}) = ${email}`, sql`lower(${contactPatient.email}) = ${email}`),
    ));
  const withPhone = contacts.find((c) => c.phone || c.patientPhone) ?? contacts[0];
  if (!withPhone) return { fullName: email, phone: null, nationalIdHash: null, language: null };
  const name = withPhone.fullName
    ?? (withPhone.patientFirstName ? fullNameOf({ firstName: withPhone.patientFirstName, lastName: withPhone.patientLastName ?? '' }) : email);
  return {
    fullName: name,
    phone: withPhone.phone ?? withPhone.patientPhone ?? null,
    nationalIdHash: withPhone.nationalIdHash ?? null,
    language: withPhone.language ?? null,
  };
}
