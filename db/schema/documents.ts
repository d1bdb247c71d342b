import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { patients } from './patients';
import { tenants } from './tenants';

/** A clinic's kinds of document (seeded: Invoice, Report, Ambulatory sheet, Lab result, Referral). */
export const documentTypes = pgTable(
  'document_types',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    // Seed 003: some types can be hidden from the portal by the clinic.
    hiddenFromPortal: boolean('hidden_from_portal').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('document_types_tenant_name_key').on(t.tenantId, t.name)],
);
export type DocumentType = typeof documentTypes.$inferSelect;

export const documentStatuses = ['pending', 'available', 'failed'] as const;
export const documentUploaders = ['staff', 'patient'] as const;

/**
 * A patient document. The file lives in object storage under a server-generated key; the row
 * becomes `available` only after the stored object was verified (size, sniffed type).
 */
export const documents = pgTable(
  'documents',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    patientId: uuid('patient_id').notNull(),
    typeId: uuid('type_id').notNull(),
    title: text('title').notNull(),
    examinationDate: date('examination_date', { mode: 'string' }),
    visibleToPatient: boolean('visible_to_patient').notNull().default(false),
    status: text('status', { enum: documentStatuses }).notNull().default('pending'),
    storageKey: text('storage_key').notNull(),
    originalFilename: text('original_filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256'),
    uploadedByKind: text('uploaded_by_kind', { enum: documentUploaders }).notNull(),
    uploadedById: uuid('uploaded_by_id').notNull(),
    notifyPatient: boolean('notify_patient').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedById: uuid('deleted_by_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ name: 'documents_patient_fk', columns: [t.tenantId, t.patientId], foreignColumns: [patients.tenantId, patients.id] }).onDelete('cascade'),
    foreignKey({ name: 'documents_type_fk', columns: [t.tenantId, t.typeId], foreignColumns: [documentTypes.tenantId, documentTypes.id] }),
    uniqueIndex('documents_storage_key_key').on(t.storageKey),
    index('documents_patient_idx').on(t.tenantId, t.patientId, t.examinationDate),
    index('documents_pending_idx').on(t.status, t.createdAt).where(sql`${t.status} = 'pending'`),
    index('documents_title_trgm_idx').using('gin', sql`lower(${t.title}) gin_trgm_ops`),
    check('documents_size_positive', sql`${t.sizeBytes} > 0`),
    check('documents_content_type', sql`${t.contentType} in ('application/pdf', 'image/jpeg', 'image/png')`),
  ],
);
export type DocumentRow = typeof documents.$inferSelect;
