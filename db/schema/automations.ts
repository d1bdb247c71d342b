import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { contactChannels, contactPurposes, domainEvents } from './engagement';
import { patients } from './patients';
import { staffUsers } from './staff';
import { ownerTenantId } from './tenants';

// Engagement (issue 18), second part: what the clinic says to patients (message templates), the
// words it files patients under (tags), and its automations: a trigger event, a filter and steps,
// run once per matching event with every wait a row (never a timer).

/**
 * A patient's tag ("vip", "weight-loss-program"): staff and automations add and remove them,
 * automation filters and segments read them. Lower-case words and dashes.
 */
export const patientTags = pgTable(
  'patient_tags',
  {
    tenantId: ownerTenantId(),
    patientId: uuid('patient_id').notNull(),
    tag: text('tag').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.patientId, t.tag] }),
    sameClinicReference('patient_tags_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    index('patient_tags_tag_idx').on(t.tenantId, t.tag),
    check('patient_tags_tag_shape', sql`${t.tag} ~ '^[a-z0-9][a-z0-9-]{0,39}$'`),
  ],
);

/** One language's words of a template: the subject (email only) and the body. */
export interface TemplateContent {
  subject?: string;
  body: string;
}

/**
 * Words a clinic sends, with placeholders (`{{patient.firstName}}`) checked when saved
 * (lib/engagement/templates). `content` holds one version per language ("en" always, "es" when
 * the clinic wrote one); a patient gets their language's, or English. Care templates are for
 * automations (reminders, notices); marketing ones for campaigns (and may only use placeholders
 * that carry no health information). A built-in template (builtin_key) can be edited, not deleted.
 */
export const messageTemplates = clinicTable(
  'message_templates',
  {
    name: text('name').notNull(),
    channel: text('channel', { enum: contactChannels }).notNull(),
    purpose: text('purpose', { enum: contactPurposes }).notNull(),
    content: jsonb('content').$type<Record<string, TemplateContent>>().notNull(),
    builtinKey: text('builtin_key'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('message_templates_name_key').on(t.tenantId, sql`lower(${t.name})`),
    uniqueIndex('message_templates_builtin_key').on(t.tenantId, t.builtinKey).where(sql`${t.builtinKey} is not null`),
    check('message_templates_name_length', sql`char_length(${t.name}) between 1 and 120`),
    check('message_templates_has_english', sql`jsonb_typeof(${t.content} -> 'en') = 'object'`),
  ],
);
export type MessageTemplate = typeof messageTemplates.$inferSelect;

export const automationStatuses = ['draft', 'active', 'paused'] as const;
export type AutomationStatus = (typeof automationStatuses)[number];

/**
 * An automation: when `trigger` (a domain event's name) happens and `filter` holds, run `steps`.
 * Filter and steps are JSON in the shapes lib/engagement/automations/definition.ts parses (a small
 * closed set of conditions and step kinds; never code). `version` counts saves: a run copies the
 * definition it started with, so an edit never changes (or repeats) a run already in flight.
 */
export const automations = clinicTable(
  'automations',
  {
    name: text('name').notNull(),
    description: text('description'),
    trigger: text('trigger').notNull(),
    filter: jsonb('filter').$type<unknown>().notNull().default(sql`'[]'::jsonb`),
    steps: jsonb('steps').$type<unknown>().notNull(),
    status: text('status', { enum: automationStatuses }).notNull().default('draft'),
    version: integer('version').notNull().default(1),
    builtinKey: text('builtin_key'),
    // Events before this instant are not matched (an automation does not act on the past when it
    // is switched on); set each time it becomes active.
    activeSince: timestamp('active_since', { withTimezone: true }),
    createdByStaffId: uuid('created_by_staff_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('automations_created_by_fk', t.tenantId, t.createdByStaffId, staffUsers),
    uniqueIndex('automations_builtin_key').on(t.tenantId, t.builtinKey).where(sql`${t.builtinKey} is not null`),
    index('automations_trigger_idx').on(t.tenantId, t.trigger).where(sql`${t.status} = 'active'`),
    check('automations_name_length', sql`char_length(${t.name}) between 1 and 120`),
    check('automations_active_since', sql`${t.status} <> 'active' or ${t.activeSince} is not null`),
  ],
);
export type Automation = typeof automations.$inferSelect;

export const automationRunStatuses = ['waiting', 'completed', 'stopped', 'failed'] as const;
export type AutomationRunStatus = (typeof automationRunStatuses)[number];

/**
 * One automation acting on one event: unique per (automation, event), so two runners (or a
 * retry after a crash) never start it twice. `definition` is the automation's filter and steps
 * as they were when the run started; `step_index` is the next step to do and `next_run_at` when
 * (a wait is this row, not a timer). A step and the run's move past it commit together, so a
 * step's effect happens once.
 */
export const automationRuns = clinicTable(
  'automation_runs',
  {
    automationId: uuid('automation_id').notNull(),
    automationVersion: integer('automation_version').notNull(),
    eventId: uuid('event_id').notNull(),
    patientId: uuid('patient_id'),
    definition: jsonb('definition').$type<unknown>().notNull(),
    stepIndex: integer('step_index').notNull().default(0),
    status: text('status', { enum: automationRunStatuses }).notNull().default('waiting'),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    sameClinicReference('automation_runs_automation_fk', t.tenantId, t.automationId, automations).onDelete('cascade'),
    sameClinicReference('automation_runs_event_fk', t.tenantId, t.eventId, domainEvents).onDelete('cascade'),
    sameClinicReference('automation_runs_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    uniqueIndex('automation_runs_once').on(t.tenantId, t.automationId, t.eventId),
    index('automation_runs_due_idx').on(t.nextRunAt).where(sql`${t.status} = 'waiting'`),
    index('automation_runs_automation_idx').on(t.tenantId, t.automationId, t.startedAt),
    index('automation_runs_patient_idx').on(t.tenantId, t.patientId, t.startedAt),
    check('automation_runs_waiting', sql`(${t.status} = 'waiting') = (${t.nextRunAt} is not null)`),
  ],
);
export type AutomationRun = typeof automationRuns.$inferSelect;

/**
 * A run's log: what each step did ("Email queued", "Waiting until …", "Stopped: the visit was
 * cancelled"), written in the step's transaction. Words about the step, never a patient's data.
 */
export const automationRunSteps = clinicDetailTable(
  'automation_run_steps',
  {
    runId: uuid('run_id').notNull(),
    stepIndex: integer('step_index').notNull(),
    kind: text('kind').notNull(),
    outcome: text('outcome', { enum: ['done', 'skipped', 'waiting', 'stopped', 'failed'] }).notNull(),
    detail: text('detail').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameClinicReference('automation_run_steps_run_fk', t.tenantId, t.runId, automationRuns).onDelete('cascade'),
    index('automation_run_steps_run_idx').on(t.tenantId, t.runId, t.at),
  ],
);
export type AutomationRunStep = typeof automationRunSteps.$inferSelect;

export const webhookDeliveryStatuses = ['pending', 'delivered', 'dead'] as const;

/**
 * An automation's "call an outside URL" step, as an outbox row: written in the step's
 * transaction, POSTed afterwards with an HMAC signature, retried with backoff, given up after the
 * last attempt. `idempotency_key` (the run and step) goes with every attempt so the receiver can
 * drop a repeat. The body holds ids only, like the event it came from.
 */
export const webhookDeliveries = clinicTable(
  'webhook_deliveries',
  {
    runId: uuid('run_id'),
    url: text('url').notNull(),
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status', { enum: webhookDeliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('webhook_deliveries_run_fk', t.tenantId, t.runId, automationRuns).onDelete('cascade'),
    uniqueIndex('webhook_deliveries_idempotency_key').on(t.tenantId, t.idempotencyKey),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
