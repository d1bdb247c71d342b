import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { documents, documentTypes } from './documents';
import { portalAccounts } from './identity';
import { patients } from './patients';
import { appointments, services } from './scheduling';
import { staffUsers } from './staff';
import { ownerTenantId } from './tenants';

// Forms (issue 15). Definitions are FHIR R4 Questionnaire JSON and answers FHIR
// QuestionnaireResponse items (lib/clinic-forms/questionnaire.ts describes the subset used);
// the columns beside them are what the product queries and enforces.

export const formKinds = ['intake', 'consent', 'questionnaire', 'home_activity'] as const;
export type FormKind = (typeof formKinds)[number];

/**
 * A clinic's form. `draft` is the next version being edited (null when nothing is being changed);
 * `draftRevision` rises on every save of it so two editors cannot overwrite each other.
 * Publishing copies the draft into form_template_versions, which never change.
 */
export const formTemplates = clinicTable(
  'form_templates',
  {
    kind: text('kind', { enum: formKinds }).notNull(),
    title: text('title').notNull(),
    // The document type the completed form's PDF is filed under in the chart.
    documentTypeId: uuid('document_type_id').notNull(),
    draft: jsonb('draft'),
    draftRevision: integer('draft_revision').notNull().default(0),
    publishedVersion: integer('published_version'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    // Set for the starter templates a clinic is given, so they are installed once.
    starterKey: text('starter_key'),
    createdById: uuid('created_by_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('form_templates_document_type_fk', t.tenantId, t.documentTypeId, documentTypes),
    uniqueIndex('form_templates_starter_key').on(t.tenantId, t.starterKey),
    index('form_templates_list_idx').on(t.tenantId, t.kind, t.title),
    check('form_templates_title_length', sql`char_length(${t.title}) between 1 and 200`),
  ],
);
export type FormTemplate = typeof formTemplates.$inferSelect;

/** A published, frozen version of a form (migration 0015 refuses updates). */
export const formTemplateVersions = clinicDetailTable(
  'form_template_versions',
  {
    templateId: uuid('template_id').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    publishedById: uuid('published_by_id'),
  },
  (t) => [
    sameClinicReference('form_template_versions_template_fk', t.tenantId, t.templateId, formTemplates).onDelete('cascade'),
    uniqueIndex('form_template_versions_number_key').on(t.tenantId, t.templateId, t.version),
    check('form_template_versions_positive', sql`${t.version} > 0`),
  ],
);
export type FormTemplateVersion = typeof formTemplateVersions.$inferSelect;

/** Forms a patient must fill when booking a service (assigned automatically at booking). */
export const serviceRequiredForms = pgTable(
  'service_required_forms',
  {
    tenantId: ownerTenantId(),
    serviceId: uuid('service_id').notNull(),
    templateId: uuid('template_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.serviceId, t.templateId] }),
    sameClinicReference('service_required_forms_service_fk', t.tenantId, t.serviceId, services).onDelete('cascade'),
    sameClinicReference('service_required_forms_template_fk', t.tenantId, t.templateId, formTemplates).onDelete('cascade'),
  ],
);

export const assignmentStatuses = ['assigned', 'in_progress', 'submitted', 'reviewed', 'cancelled', 'expired'] as const;
export type AssignmentStatus = (typeof assignmentStatuses)[number];
export const openAssignmentStatuses = ['assigned', 'in_progress'] as const satisfies readonly AssignmentStatus[];
export const assignmentSources = ['chart', 'invite', 'booking', 'order'] as const;
export type AssignmentSource = (typeof assignmentSources)[number];

/** A form given to a patient, pinned to the version that was current when it was made. */
export const formAssignments = clinicTable(
  'form_assignments',
  {
    patientId: uuid('patient_id').notNull(),
    templateId: uuid('template_id').notNull(),
    versionId: uuid('version_id').notNull(),
    status: text('status', { enum: assignmentStatuses }).notNull().default('assigned'),
    source: text('source', { enum: assignmentSources }).notNull(),
    message: text('message'),
    dueOn: date('due_on', { mode: 'string' }),
    appointmentId: uuid('appointment_id'),
    assignedById: uuid('assigned_by_id'),
    // Written by the forms' own reminder job, gone since form reminders became the built-in
    // automation (lib/engagement/automations/builtins.ts): nothing reads or writes them now.
    remindersSent: integer('reminders_sent').notNull().default(0),
    nextReminderAt: timestamp('next_reminder_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewedById: uuid('reviewed_by_id'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledById: uuid('cancelled_by_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('form_assignments_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('form_assignments_template_fk', t.tenantId, t.templateId, formTemplates),
    sameClinicReference('form_assignments_version_fk', t.tenantId, t.versionId, formTemplateVersions),
    sameClinicReference('form_assignments_appointment_fk', t.tenantId, t.appointmentId, appointments).onDelete('set null'),
    sameClinicReference('form_assignments_assigned_by_fk', t.tenantId, t.assignedById, staffUsers),
    // One open assignment of a form per patient: booking twice does not ask for the intake twice.
    uniqueIndex('form_assignments_one_open_key')
      .on(t.tenantId, t.patientId, t.templateId)
      .where(sql`${t.status} in ('assigned', 'in_progress')`),
    index('form_assignments_patient_idx').on(t.tenantId, t.patientId, t.status),
    index('form_assignments_reminder_idx').on(t.nextReminderAt).where(sql`${t.nextReminderAt} is not null`),
  ],
);
export type FormAssignment = typeof formAssignments.$inferSelect;

export const responseStatuses = ['in_progress', 'submitted'] as const;
export type ResponseStatus = (typeof responseStatuses)[number];

/**
 * The answers to an assignment (QuestionnaireResponse items). Each autosave raises `revision`;
 * a save that names an older revision is refused. Once submitted the row is immutable (migration
 * 0015): only `document_id` may be set, once, when the PDF is filed. A correction is a new
 * response whose `amends_response_id` names the one it corrects.
 */
export const formResponses = clinicTable(
  'form_responses',
  {
    assignmentId: uuid('assignment_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    versionId: uuid('version_id').notNull(),
    status: text('status', { enum: responseStatuses }).notNull().default('in_progress'),
    items: jsonb('items').notNull().default(sql`'[]'::jsonb`),
    revision: integer('revision').notNull().default(0),
    score: integer('score'),
    amendsResponseId: uuid('amends_response_id'),
    lastEditedByAccountId: uuid('last_edited_by_account_id'),
    lastEditedByStaffId: uuid('last_edited_by_staff_id'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    submittedByAccountId: uuid('submitted_by_account_id'),
    submittedByStaffId: uuid('submitted_by_staff_id'),
    documentId: uuid('document_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('form_responses_assignment_fk', t.tenantId, t.assignmentId, formAssignments).onDelete('cascade'),
    sameClinicReference('form_responses_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('form_responses_version_fk', t.tenantId, t.versionId, formTemplateVersions),
    sameClinicReference('form_responses_amends_fk', t.tenantId, t.amendsResponseId, t),
    sameClinicReference('form_responses_document_fk', t.tenantId, t.documentId, documents),
    // One first response per assignment, and one amendment per response.
    uniqueIndex('form_responses_first_key').on(t.tenantId, t.assignmentId).where(sql`${t.amendsResponseId} is null`),
    uniqueIndex('form_responses_amends_key').on(t.tenantId, t.amendsResponseId),
    // An assignment's responses, newest first: the filling page and every autosave read its current one.
    index('form_responses_assignment_idx').on(t.tenantId, t.assignmentId, t.createdAt),
    index('form_responses_patient_idx').on(t.tenantId, t.patientId, t.submittedAt),
    index('form_responses_unfiled_idx').on(t.submittedAt).where(sql`${t.status} = 'submitted' and ${t.documentId} is null`),
    check('form_responses_submitted_shape', sql`(${t.status} = 'submitted') = (${t.submittedAt} is not null)`),
  ],
);
export type FormResponse = typeof formResponses.$inferSelect;

export const signerRoles = ['patient', 'guardian', 'representative'] as const;
export type SignerRole = (typeof signerRoles)[number];
export const signatureMethods = ['drawn', 'typed'] as const;

/**
 * A signature on a submitted response: who signed, as whom, when and from where, the consent text
 * shown, and a SHA-256 of the exact text and answers signed. Never changed (migration 0015).
 */
export const formSignatures = clinicDetailTable(
  'form_signatures',
  {
    responseId: uuid('response_id').notNull(),
    linkId: text('link_id').notNull(),
    signerName: text('signer_name').notNull(),
    signerRole: text('signer_role', { enum: signerRoles }).notNull(),
    method: text('method', { enum: signatureMethods }).notNull(),
    // The drawn signature as a PNG (base64), null when typed only.
    drawingPng: text('drawing_png'),
    consentText: text('consent_text').notNull(),
    contentSha256: text('content_sha256').notNull(),
    signedByAccountId: uuid('signed_by_account_id'),
    signedByStaffId: uuid('signed_by_staff_id'),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameClinicReference('form_signatures_response_fk', t.tenantId, t.responseId, formResponses).onDelete('cascade'),
    uniqueIndex('form_signatures_item_key').on(t.tenantId, t.responseId, t.linkId),
    check('form_signatures_name_length', sql`char_length(${t.signerName}) between 1 and 200`),
    check('form_signatures_drawing_size', sql`${t.drawingPng} is null or octet_length(${t.drawingPng}) <= 300000`),
  ],
);
export type FormSignature = typeof formSignatures.$inferSelect;

export const recordFields = [
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'date_of_birth',
] as const;
export type RecordField = (typeof recordFields)[number];
export const recordChangeStatuses = ['pending', 'accepted', 'rejected'] as const;

/** An answer that would change the patient's record, waiting for staff (Forms → To review). */
export const formRecordChanges = clinicDetailTable(
  'form_record_changes',
  {
    responseId: uuid('response_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    field: text('field', { enum: recordFields }).notNull(),
    proposedValue: text('proposed_value').notNull(),
    previousValue: text('previous_value'),
    status: text('status', { enum: recordChangeStatuses }).notNull().default('pending'),
    decidedById: uuid('decided_by_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('form_record_changes_response_fk', t.tenantId, t.responseId, formResponses).onDelete('cascade'),
    sameClinicReference('form_record_changes_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('form_record_changes_decided_by_fk', t.tenantId, t.decidedById, staffUsers),
    uniqueIndex('form_record_changes_field_key').on(t.tenantId, t.responseId, t.field),
    index('form_record_changes_pending_idx').on(t.tenantId, t.status, t.createdAt),
  ],
);
export type FormRecordChange = typeof formRecordChanges.$inferSelect;

/** A day the patient marked a home activity done (seed 003). */
export const homeActivityDays = pgTable(
  'home_activity_days',
  {
    tenantId: uuid('tenant_id').notNull(),
    assignmentId: uuid('assignment_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    markedByAccountId: uuid('marked_by_account_id'),
    markedAt: timestamp('marked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.assignmentId, t.day] }),
    sameClinicReference('home_activity_days_assignment_fk', t.tenantId, t.assignmentId, formAssignments).onDelete('cascade'),
  ],
);

export const noteAuthorKinds = ['patient', 'staff'] as const;
export const noteVisibilities = ['private', 'shared', 'internal'] as const;
export type NoteVisibility = (typeof noteVisibilities)[number];

/**
 * Notes about a patient (seed 002 "New note"). A patient's note is private or shared with the
 * clinic; a staff note is internal or shared with the patient. Only the author edits it.
 */
export const patientNotes = clinicTable(
  'patient_notes',
  {
    patientId: uuid('patient_id').notNull(),
    authorKind: text('author_kind', { enum: noteAuthorKinds }).notNull(),
    authorAccountId: uuid('author_account_id'),
    authorStaffId: uuid('author_staff_id'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    visibility: text('visibility', { enum: noteVisibilities }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    sameClinicReference('patient_notes_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('patient_notes_account_fk', t.tenantId, t.authorAccountId, portalAccounts).onDelete('set null'),
    sameClinicReference('patient_notes_staff_fk', t.tenantId, t.authorStaffId, staffUsers),
    index('patient_notes_patient_idx').on(t.tenantId, t.patientId, t.createdAt),
    check(
      'patient_notes_visibility_by_author',
      sql`(${t.authorKind} = 'patient' and ${t.visibility} in ('private', 'shared')) or (${t.authorKind} = 'staff' and ${t.visibility} in ('internal', 'shared'))`,
    ),
    check('patient_notes_title_length', sql`char_length(${t.title}) between 1 and 200`),
    check('patient_notes_body_length', sql`char_length(${t.body}) between 1 and 20000`),
  ],
);
export type PatientNote = typeof patientNotes.$inferSelect;
