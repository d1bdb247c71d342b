import { sql } from 'drizzle-orm';
import { boolean, check, date, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { patients } from './patients';
import { staffUsers } from './staff';
import { ownerTenantId } from './tenants';

// Engagement (issue 18), first part: the clinic's domain events (written in the transaction of
// the change that causes them, ids only), staff tasks, and each patient's consent to be contacted
// with the addresses that must not be written to (suppressions). Automations, templates,
// segments and campaigns build on these.

/**
 * Something that happened in a clinic ("appointment.booked"), written in the same transaction as
 * the change, so an event exists exactly when its change committed. `subject` holds ids only —
 * never names, notes, answers or amounts a patient would not want in a log — and its shape is
 * fixed per name by lib/engagement/events.ts. `fanned_out_at` is set once automations have been
 * matched against it (claimed with SKIP LOCKED, so two runners never match it twice).
 */
export const domainEvents = clinicTable(
  'domain_events',
  {
    name: text('name').notNull(),
    patientId: uuid('patient_id'),
    subject: jsonb('subject').$type<Record<string, string | number | boolean | null>>().notNull(),
    actorKind: text('actor_kind', { enum: ['staff', 'patient', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    // For an event that happens once to its subject but is found by a job (an invoice overdue):
    // a second runner's insert conflicts on it and records nothing.
    onceKey: text('once_key'),
    fannedOutAt: timestamp('fanned_out_at', { withTimezone: true }),
  },
  (t) => [
    sameClinicReference('domain_events_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    index('domain_events_name_idx').on(t.tenantId, t.name, t.occurredAt),
    index('domain_events_patient_idx').on(t.tenantId, t.patientId, t.occurredAt),
    uniqueIndex('domain_events_once_key').on(t.tenantId, t.onceKey).where(sql`${t.onceKey} is not null`),
    index('domain_events_pending_idx').on(t.occurredAt).where(sql`${t.fannedOutAt} is null`),
  ],
);
export type DomainEventRow = typeof domainEvents.$inferSelect;

export const taskStatuses = ['open', 'done'] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export const taskSources = ['staff', 'automation'] as const;

/**
 * Work for a person or a team of the clinic (/emr/tasks), made by staff or by an automation's
 * step; optionally about a patient, optionally due on a day (the clinic's calendar day).
 */
export const tasks = clinicTable(
  'tasks',
  {
    title: text('title').notNull(),
    details: text('details'),
    patientId: uuid('patient_id'),
    assigneeStaffId: uuid('assignee_staff_id'),
    assigneeTeam: text('assignee_team'),
    dueOn: date('due_on'),
    status: text('status', { enum: taskStatuses }).notNull().default('open'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneByStaffId: uuid('done_by_staff_id'),
    source: text('source', { enum: taskSources }).notNull().default('staff'),
    createdByStaffId: uuid('created_by_staff_id'),
    // The automation run that made it (a step), so a run's retry finds its task instead of a twin.
    sourceKey: text('source_key'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('tasks_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('tasks_assignee_fk', t.tenantId, t.assigneeStaffId, staffUsers),
    sameClinicReference('tasks_done_by_fk', t.tenantId, t.doneByStaffId, staffUsers),
    sameClinicReference('tasks_created_by_fk', t.tenantId, t.createdByStaffId, staffUsers),
    check('tasks_title_length', sql`char_length(${t.title}) between 1 and 200`),
    check('tasks_details_length', sql`${t.details} is null or char_length(${t.details}) <= 4000`),
    check('tasks_done', sql`(${t.status} = 'done') = (${t.doneAt} is not null)`),
    index('tasks_open_idx').on(t.tenantId, t.status, t.dueOn),
    index('tasks_assignee_idx').on(t.tenantId, t.assigneeStaffId, t.status),
    index('tasks_patient_idx').on(t.tenantId, t.patientId),
    uniqueIndex('tasks_source_key').on(t.tenantId, t.sourceKey).where(sql`${t.sourceKey} is not null`),
  ],
);
export type Task = typeof tasks.$inferSelect;

export const contactChannels = ['email', 'sms'] as const;
export type ContactChannel = (typeof contactChannels)[number];
export const contactPurposes = ['care', 'marketing'] as const;
export type ContactPurpose = (typeof contactPurposes)[number];
export const consentSources = ['portal', 'staff', 'signup', 'unsubscribe_link', 'sms_keyword', 'import', 'seed'] as const;
export type ConsentSource = (typeof consentSources)[number];

/**
 * A patient's yes or no to being contacted on a channel for a purpose, as a record: each change is
 * a new row (append-only, by trigger) with its source and time, and the newest row per
 * (patient, channel, purpose) is the answer. Without a row, care messages are allowed (they are
 * part of the patient's care) and marketing is not (it needs a yes).
 */
export const patientConsents = clinicTable(
  'patient_consents',
  {
    patientId: uuid('patient_id').notNull(),
    channel: text('channel', { enum: contactChannels }).notNull(),
    purpose: text('purpose', { enum: contactPurposes }).notNull(),
    granted: boolean('granted').notNull(),
    source: text('source', { enum: consentSources }).notNull(),
    recordedByStaffId: uuid('recorded_by_staff_id'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameClinicReference('patient_consents_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('patient_consents_staff_fk', t.tenantId, t.recordedByStaffId, staffUsers),
    index('patient_consents_latest_idx').on(t.tenantId, t.patientId, t.channel, t.purpose, t.recordedAt),
  ],
);
export type PatientConsent = typeof patientConsents.$inferSelect;

export const suppressionReasons = ['unsubscribed', 'stopped', 'bounced', 'complained'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/**
 * An address the clinic must not write to, checked when each message is sent (not only when a
 * campaign's list was made). `unsubscribed` stops marketing only; `stopped` (an SMS STOP),
 * `bounced` and `complained` stop every message on that channel. The address is normalised
 * (email lower-cased, phone E.164). A START by SMS removes a `stopped` row.
 */
export const suppressions = pgTable(
  'suppressions',
  {
    tenantId: ownerTenantId(),
    channel: text('channel', { enum: contactChannels }).notNull(),
    address: text('address').notNull(),
    reason: text('reason', { enum: suppressionReasons }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel, t.address] })],
);
export type Suppression = typeof suppressions.$inferSelect;
