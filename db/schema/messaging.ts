import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference } from './columns';
import { patients } from './patients';
import { staffUsers } from './staff';
import { ownerTenantId } from './tenants';

/**
 * Which staff members look after a patient. The "Assigned clients only" messaging policy limits
 * staff to these patients (seed 002: "limit staff communication to their designated client roster").
 */
export const patientAssignments = pgTable(
  'patient_assignments',
  {
    tenantId: ownerTenantId(),
    patientId: uuid('patient_id').notNull(),
    staffId: uuid('staff_id').notNull(),
    assignedById: uuid('assigned_by_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.patientId, t.staffId] }),
    sameClinicReference('patient_assignments_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('patient_assignments_staff_fk', t.tenantId, t.staffId, staffUsers).onDelete('cascade'),
    index('patient_assignments_staff_idx').on(t.tenantId, t.staffId),
  ],
);

export const conversationStatuses = ['open', 'closed'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];
export const messageSenderKinds = ['staff', 'patient'] as const;
export type MessageSenderKind = (typeof messageSenderKinds)[number];
export const conversationCloseReasons = ['staff', 'auto'] as const;

/**
 * A conversation between one clinic and one patient. The last-message times are kept on the row
 * so inbox lists and the 48-hour auto-close are index scans, not aggregates over messages.
 */
export const conversations = clinicTable(
  'conversations',
  {
    patientId: uuid('patient_id').notNull(),
    subject: text('subject').notNull(),
    status: text('status', { enum: conversationStatuses }).notNull().default('open'),
    startedByKind: text('started_by_kind', { enum: messageSenderKinds }).notNull(),
    startedById: uuid('started_by_id').notNull(),
    assignedStaffId: uuid('assigned_staff_id'),
    // Only the patient's own portal account sees it, not accounts acting for them (issue 19).
    hiddenFromProxies: boolean('hidden_from_proxies').notNull().default(false),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    lastStaffMessageAt: timestamp('last_staff_message_at', { withTimezone: true }),
    lastPatientMessageAt: timestamp('last_patient_message_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedReason: text('closed_reason', { enum: conversationCloseReasons }),
    closedById: uuid('closed_by_id'),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('conversations_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('conversations_assigned_fk', t.tenantId, t.assignedStaffId, staffUsers),
    index('conversations_inbox_idx').on(t.tenantId, t.status, t.lastMessageAt),
    index('conversations_patient_idx').on(t.tenantId, t.patientId, t.lastMessageAt),
    index('conversations_assigned_idx').on(t.tenantId, t.assignedStaffId, t.status),
    // The auto-close sweep looks only at open conversations awaiting a patient reply.
    index('conversations_autoclose_idx').on(t.lastStaffMessageAt).where(sql`${t.status} = 'open'`),
    check('conversations_subject_length', sql`char_length(${t.subject}) between 1 and 200`),
    check('conversations_closed_consistent', sql`(${t.status} = 'closed') = (${t.closedAt} is not null)`),
  ],
);
export type Conversation = typeof conversations.$inferSelect;

/**
 * One message. Never edited in place: a correction is a new message. Deleting is a soft delete
 * by the author (deleted_at), so the clinic's record keeps what was said and when.
 * A patient-side message names the portal account that wrote it (a parent writing for a child).
 */
export const conversationMessages = clinicDetailTable(
  'conversation_messages',
  {
    conversationId: uuid('conversation_id').notNull(),
    senderKind: text('sender_kind', { enum: messageSenderKinds }).notNull(),
    senderStaffId: uuid('sender_staff_id'),
    senderAccountId: uuid('sender_account_id'),
    body: text('body').notNull(),
    createdAt: createdAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    sameClinicReference('conversation_messages_conversation_fk', t.tenantId, t.conversationId, conversations).onDelete('cascade'),
    sameClinicReference('conversation_messages_staff_fk', t.tenantId, t.senderStaffId, staffUsers),
    index('conversation_messages_thread_idx').on(t.tenantId, t.conversationId, t.createdAt),
    check('conversation_messages_sender', sql`(${t.senderKind} = 'staff' and ${t.senderStaffId} is not null and ${t.senderAccountId} is null) or (${t.senderKind} = 'patient' and ${t.senderAccountId} is not null and ${t.senderStaffId} is null)`),
    check('conversation_messages_body_length', sql`char_length(${t.body}) <= 5000`),
  ],
);
export type ConversationMessage = typeof conversationMessages.$inferSelect;

/** A file sent with a message: same types, checks and storage as documents. */
export const messageAttachments = clinicDetailTable(
  'message_attachments',
  {
    messageId: uuid('message_id').notNull(),
    storageKey: text('storage_key').notNull(),
    originalFilename: text('original_filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('message_attachments_message_fk', t.tenantId, t.messageId, conversationMessages).onDelete('cascade'),
    uniqueIndex('message_attachments_storage_key_key').on(t.tenantId, t.storageKey),
    index('message_attachments_message_idx').on(t.tenantId, t.messageId),
    check('message_attachments_size_positive', sql`${t.sizeBytes} > 0`),
    check('message_attachments_content_type', sql`${t.contentType} in ('application/pdf', 'image/jpeg', 'image/png')`),
  ],
);

export const messageReaderKinds = ['staff', 'patient'] as const;

/**
 * How far each reader has read a conversation: messages from the other side after last_read_at
 * are unread. Staff read state is per staff member; patient read state per portal account.
 */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    tenantId: uuid('tenant_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    readerKind: text('reader_kind', { enum: messageReaderKinds }).notNull(),
    readerId: uuid('reader_id').notNull(),
    lastReadAt: timestamp('last_read_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.conversationId, t.readerKind, t.readerId] }),
    sameClinicReference('conversation_reads_conversation_fk', t.tenantId, t.conversationId, conversations).onDelete('cascade'),
  ],
);
