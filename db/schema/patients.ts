import { sql } from 'drizzle-orm';
import { check, date, index, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';

export const sexes = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof sexes)[number];

export const patients = clinicTable(
  'patients',
  {
    recordNumber: text('record_number').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    sex: text('sex', { enum: sexes }).notNull().default('unknown'),
    email: text('email'),
    phone: text('phone'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text('city'),
    region: text('region'),
    postalCode: text('postal_code'),
    country: text('country'),
    preferredLanguage: text('preferred_language').notNull().default('en'),
    // National ID (SSN, TAJ): AES-GCM ciphertext, plus a keyed hash (HMAC) for exact lookup.
    nationalIdEnc: text('national_id_enc'),
    nationalIdHash: text('national_id_hash'),
    nationalIdLast4: text('national_id_last4'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('patients_tenant_record_number_key').on(t.tenantId, t.recordNumber),
    uniqueIndex('patients_tenant_national_id_hash_key').on(t.tenantId, t.nationalIdHash),
    index('patients_tenant_email_idx').on(t.tenantId, sql`lower(${t.email})`),
    index('patients_tenant_phone_idx').on(t.tenantId, t.phone),
    index('patients_tenant_dob_idx').on(t.tenantId, t.dateOfBirth),
    // Name search within a clinic: the LIKE filter and the nearest-first (<->) order of the
    // trigram distance both run on this one index (btree_gist puts tenant_id in it), so a
    // common name among 200,000 patients reads only the first page of matches.
    index('patients_tenant_name_trgm_idx').using(
      'gist',
      t.tenantId,
      sql`(lower(${t.firstName} || ' ' || ${t.lastName})) gist_trgm_ops`,
    ),
    // Name prefixes ("garc", "garcia, ma", "maria g"): byte-order btrees, so a range scan returns
    // the matches already sorted (ties by id) and stops after one page (lib/patients/search.ts).
    index('patients_tenant_last_first_idx').on(t.tenantId, sql`(lower(${t.lastName} || ' ' || ${t.firstName}) collate "C")`, t.id),
    index('patients_tenant_first_last_idx').on(t.tenantId, sql`(lower(${t.firstName} || ' ' || ${t.lastName}) collate "C")`, t.id),
    check('patients_phone_e164', sql`${t.phone} is null or ${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
  ],
);
export type Patient = typeof patients.$inferSelect;
export type NewPatient = typeof patients.$inferInsert;

export const relationshipKinds = ['parent', 'guardian', 'caregiver', 'spouse', 'child', 'other'] as const;
export type RelationshipKind = (typeof relationshipKinds)[number];

/**
 * A patient's contact: either another patient of the same clinic (`contactPatientId`) or a person
 * who is not a patient (name, email and phone on the row).
 */
export const patientContacts = clinicTable(
  'patient_contacts',
  {
    patientId: uuid('patient_id').notNull(),
    contactPatientId: uuid('contact_patient_id'),
    relationship: text('relationship', { enum: relationshipKinds }).notNull(),
    fullName: text('full_name'),
    email: text('email'),
    phone: text('phone'),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('patient_contacts_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('patient_contacts_contact_patient_fk', t.tenantId, t.contactPatientId, patients).onDelete('cascade'),
    index('patient_contacts_patient_idx').on(t.tenantId, t.patientId),
    check(
      'patient_contacts_who',
      sql`${t.contactPatientId} is not null or ${t.fullName} is not null`,
    ),
    check('patient_contacts_not_self', sql`${t.contactPatientId} is distinct from ${t.patientId}`),
  ],
);
export type PatientContact = typeof patientContacts.$inferSelect;
