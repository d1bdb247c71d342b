import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, jsonb, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { patients } from './patients';

/** A clinic's kinds of document (seeded: Invoice, Report, Ambulatory sheet, Lab result, Referral). */
export const documentTypes = clinicTable(
  'document_types',
  {
    name: text('name').notNull(),
    // Seed 003: some types can be hidden from the portal by the clinic.
    hiddenFromPortal: boolean('hidden_from_portal').notNull().default(false),
    // The name in other portal languages (issue 20): { es: { name } }.
    translations: jsonb('translations').$type<Partial<Record<string, Partial<Record<'name', string>>>>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('document_types_tenant_name_key').on(t.tenantId, t.name)],
);
export type DocumentType = typeof documentTypes.$inferSelect;

export const documentStatuses = ['pending', 'available', 'failed'] as const;
export const documentUploaders = ['staff', 'patient'] as const;

/**
 * A patient document. The file lives in object storage under a server-generated key; the row
 * becomes `available` only after the stored object was verified (size, sniffed type).
 */
export const documents = clinicTable(
  'documents',
  {
    patientId: uuid('patient_id').notNull(),
    typeId: uuid('type_id').notNull(),
    title: text('title').notNull(),
    examinationDate: date('examination_date', { mode: 'string' }),
    visibleToPatient: boolean('visible_to_patient').notNull().default(false),
    // Shown to the patient but not to portal accounts acting for them (issue 19).
    hiddenFromProxies: boolean('hidden_from_proxies').notNull().default(false),
    status: text('status', { enum: documentStatuses }).notNull().default('pending'),
    storageKey: text('storage_key').notNull(),
    originalFilename: text('original_filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256'),
    uploadedByKind: text('uploaded_by_kind', { enum: documentUploaders }).notNull(),
    uploadedById: uuid('uploaded_by_id').notNull(),
    notifyPatient: boolean('notify_patient').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedById: uuid('deleted_by_id'),
  },
  (t) => [
    sameClinicReference('documents_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('documents_type_fk', t.tenantId, t.typeId, documentTypes),
    uniqueIndex('documents_storage_key_key').on(t.tenantId, t.storageKey),
    index('documents_patient_idx').on(t.tenantId, t.patientId, t.examinationDate),
    index('documents_pending_idx').on(t.status, t.createdAt).where(sql`${t.status} = 'pending'`),
    index('documents_title_trgm_idx').using('gin', sql`lower(${t.title}) gin_trgm_ops`),
    check('documents_size_positive', sql`${t.sizeBytes} > 0`),
    check('documents_content_type', sql`${t.contentType} in ('application/pdf', 'image/jpeg', 'image/png')`),
  ],
);
export type DocumentRow = typeof documents.$inferSelect;
