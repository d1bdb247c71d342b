import 'server-only';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  formAssignments, formResponses, formTemplates, formTemplateVersions, openAssignmentStatuses, patients, serviceRequiredForms,
  staffUsers, type AssignmentSource, type AssignmentStatus, type FormKind,
} from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { asTransaction, eventActorOf, recordEvent } from '@/lib/engagement/events';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { enqueueFormNotice } from '@/lib/notifications/form-notifications';
import { addDays } from '@/lib/scheduling/zoned-time';
import { DUE_DATE_MAX_DAYS } from './assignment-schemas';
import { FormsAuditActions } from './audit-actions';
import { FormsRuleError } from './errors';
import { clinicToday } from './reminders';

/**
 * Giving forms to patients (issue 15 point 4): from the chart (`chart`), with a portal invite
 * (`invite`) and when a service that requires forms is booked (`booking`). Each assignment is
 * pinned to the template's published version at that moment: publishing version 2 later leaves
 * it on version 1. The partial unique index form_assignments_one_open_key allows one open
 * assignment per patient and form; the chart refuses a second one ('already-assigned'), the
 * invite and the booking skip it (the form is already waiting).
 */

/** The system acting for a clinic (a paid order's forms, lib/commerce): no person, audited as the system. */
interface SystemActor { kind: 'system'; tenant: { id: string } }
type Actor = StaffContext | PortalContext | SystemActor;

interface NewAssignments {
  patientId: string;
  templateIds: readonly string[];
  source: AssignmentSource;
  message?: string | null;
  dueOn?: string | null;
  appointmentId?: string | null;
  /** 'refuse' (chart): an open assignment of one of the forms refuses the whole request. */
  whenOpen: 'refuse' | 'skip';
}

/** The forms as they can be assigned now, in the order asked; refused when one cannot. */
async function assignableVersions(tx: Executor, tenantId: string, templateIds: readonly string[]) {
  const ids = [...new Set(templateIds)];
  if (ids.some((id) => !isUuid(id))) throw new NotFoundError('form');
  if (ids.length === 0) return [];
  // FOR SHARE: a publish (FOR UPDATE on the template) waits, so the version read is the current one.
  const rows = await tx
    .select({ id: formTemplates.id, title: formTemplates.title, archivedAt: formTemplates.archivedAt, publishedVersion: formTemplates.publishedVersion })
    .from(formTemplates)
    .where(and(eq(formTemplates.tenantId, tenantId), inArray(formTemplates.id, ids)))
    .for('share');
  if (rows.length !== ids.length) throw new NotFoundError('form');
  for (const row of rows) {
    if (row.archivedAt) throw new FormsRuleError('archived', { templateIds: `“${row.title}” is archived.` });
    if (row.publishedVersion === null) throw new FormsRuleError('never-published', { templateIds: `“${row.title}” has not been published.` });
  }
  const versions = await tx
    .select({ id: formTemplateVersions.id, templateId: formTemplateVersions.templateId, version: formTemplateVersions.version })
    .from(formTemplateVersions)
    .where(and(
      eq(formTemplateVersions.tenantId, tenantId),
      inArray(formTemplateVersions.templateId, ids),
      eq(formTemplateVersions.version, sql`(select ${formTemplates.publishedVersion} from ${formTemplates} where ${formTemplates.tenantId} = ${formTemplateVersions.tenantId} and ${formTemplates.id} = ${formTemplateVersions.templateId})`),
    ));
  return ids.map((id) => {
    const row = rows.find((r) => r.id === id)!;
    const version = versions.find((v) => v.templateId === id);
    if (!version) throw new NotFoundError('form version');
    return { templateId: id, title: row.title, versionId: version.id, version: version.version };
  });
}

async function assertPatient(tx: Executor, tenantId: string, patientId: string): Promise<void> {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await tx.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
}

/** A due date is a date in the clinic's calendar, from today to a year ahead. */
async function checkDueOn(tx: Executor, tenantId: string, dueOn: string | null | undefined): Promise<void> {
  if (!dueOn) return;
  const today = await clinicToday(tx, tenantId);
  if (dueOn < today) throw new FormsRuleError('due-in-past', { dueOn: 'Choose a due date from today on.' });
  if (dueOn > addDays(today, DUE_DATE_MAX_DAYS)) throw new FormsRuleError('due-too-far', { dueOn: 'Choose a due date within a year.' });
}

/**
 * Inserts the assignments in the caller's transaction, audits each and records its form.assigned
 * event. Returns the ones made (with 'skip', forms already open for the patient are left out).
 * No notice: callers decide.
 */
async function insertAssignments(tx: Executor, actor: Actor, input: NewAssignments) {
  const tenantId = actor.tenant.id;
  const forms = await assignableVersions(tx, tenantId, input.templateIds);
  if (forms.length === 0) return [];
  if (input.whenOpen === 'refuse') {
    const open = await tx
      .select({ templateId: formAssignments.templateId })
      .from(formAssignments)
      .where(and(
        eq(formAssignments.tenantId, tenantId), eq(formAssignments.patientId, input.patientId),
        inArray(formAssignments.templateId, forms.map((f) => f.templateId)), inArray(formAssignments.status, [...openAssignmentStatuses]),
      ));
    const taken = forms.find((f) => open.some((o) => o.templateId === f.templateId));
    if (taken) throw alreadyAssigned(taken.title);
  }
  const at = now();
  const staffId = 'actor' in actor ? actor.actor.id : null;
  const values = forms.map((f) => ({
    tenantId, patientId: input.patientId, templateId: f.templateId, versionId: f.versionId, source: input.source,
    message: input.message ?? null, dueOn: input.dueOn ?? null, appointmentId: input.appointmentId ?? null,
    assignedById: staffId, createdAt: at, updatedAt: at,
  }));
  const insert = tx.insert(formAssignments).values(values);
  const made = await (input.whenOpen === 'skip' ? insert.onConflictDoNothing() : insert)
    .returning({ id: formAssignments.id, templateId: formAssignments.templateId, versionId: formAssignments.versionId });
  for (const row of made) {
    const form = forms.find((f) => f.templateId === row.templateId)!;
    const entry = {
      action: FormsAuditActions.assigned, patientId: input.patientId, target: { type: 'form_assignment', id: row.id },
      details: { templateId: row.templateId, version: form.version, source: input.source, dueOn: input.dueOn ?? null, appointmentId: input.appointmentId ?? null },
    };
    if ('kind' in actor) await recordAudit(tx, { ...entry, tenantId, actor: { kind: 'system' } });
    else await recordAudit(tx, actor, entry);
    await recordEvent(asTransaction(tx, 'form.assigned'), tenantId, {
      name: 'form.assigned', patientId: input.patientId, actor: 'kind' in actor ? { kind: 'system' } : eventActorOf(actor),
      subject: { assignmentId: row.id, templateId: row.templateId, source: input.source, appointmentId: input.appointmentId ?? null },
    });
  }
  return made;
}

function alreadyAssigned(title?: string): FormsRuleError {
  return new FormsRuleError('already-assigned', { templateIds: title ? `This patient already has “${title}” to fill.` : 'This patient already has one of these forms to fill.' });
}

/**
 * Chart → Forms → "Assign forms": one assignment per form, pinned to its current version, the
 * patient's people told in the same transaction (a notice without the forms' titles).
 */
export async function assignForms(
  db: Executor,
  ctx: StaffContext,
  patientId: string,
  input: { templateIds: readonly string[]; message?: string | null; dueOn?: string | null },
): Promise<{ assignmentIds: string[] }> {
  assertPermission(ctx, 'forms.assign');
  if (input.templateIds.length === 0) throw new FormsRuleError('no-forms-chosen', { templateIds: 'Choose at least one form.' });
  try {
    return await db.transaction(async (tx) => {
      await assertPatient(tx, ctx.tenant.id, patientId);
      await checkDueOn(tx, ctx.tenant.id, input.dueOn);
      const made = await insertAssignments(tx, ctx, { ...input, patientId, source: 'chart', whenOpen: 'refuse' });
      await enqueueFormNotice(tx, { tenantId: ctx.tenant.id, patientId, kind: 'assigned', event: `forms:assigned:${made[0]!.id}` });
      return { assignmentIds: made.map((m) => m.id) };
    });
  } catch (error) {
    // Two staff assigning the same form at once: the index refuses the second.
    if (postgresErrorCode(error) === PG.uniqueViolation) throw alreadyAssigned();
    throw error;
  }
}

/**
 * The intake forms picked in the "Invite to portal" dialog, in the invite's transaction. The
 * invitation email mentions them (without titles), so no separate notice is queued. Forms the
 * patient already has open are left as they are.
 */
export async function assignInviteForms(
  tx: Executor,
  ctx: StaffContext,
  input: { patientId: string; templateIds: readonly string[]; message?: string | null },
): Promise<number> {
  if (input.templateIds.length === 0) return 0;
  assertPermission(ctx, 'forms.assign');
  await assertPatient(tx, ctx.tenant.id, input.patientId);
  const made = await insertAssignments(tx, ctx, { ...input, source: 'invite', whenOpen: 'skip' });
  return made.length;
}

/**
 * Booking a service that requires forms assigns them (due on the appointment's date) in the
 * booking's transaction, unless the patient already has them open. Archived or never-published
 * forms are passed over: a CRM change must not make booking fail. Returns how many were made.
 */
export async function assignBookingForms(
  tx: Executor,
  actor: Actor,
  input: { patientId: string; serviceId: string; appointmentId: string; dueOn: string },
): Promise<number> {
  const tenantId = actor.tenant.id;
  const required = await tx
    .select({ templateId: serviceRequiredForms.templateId })
    .from(serviceRequiredForms)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, serviceRequiredForms.tenantId), eq(formTemplates.id, serviceRequiredForms.templateId)))
    .where(and(
      eq(serviceRequiredForms.tenantId, tenantId), eq(serviceRequiredForms.serviceId, input.serviceId),
      isNull(formTemplates.archivedAt), sql`${formTemplates.publishedVersion} is not null`,
    ));
  if (required.length === 0) return 0;
  const made = await insertAssignments(tx, actor, {
    patientId: input.patientId, templateIds: required.map((r) => r.templateId), source: 'booking',
    dueOn: input.dueOn, appointmentId: input.appointmentId, whenOpen: 'skip',
  });
  if (made.length > 0) await enqueueFormNotice(tx, { tenantId, patientId: input.patientId, kind: 'assigned', event: `forms:booking:${input.appointmentId}` });
  return made.length;
}

/**
 * A paid order's required forms (lib/commerce/order-processing.ts), in the caller's transaction,
 * by the system, due on `dueOn`. A form the patient already has open is not assigned again: its
 * open assignment is reused. Returns each form's assignment id; the patient's people are told
 * once (a notice without the forms' titles) when any was made.
 */
export async function assignOrderForms(
  tx: Executor,
  tenantId: string,
  input: { patientId: string; orderId: string; templateIds: readonly string[]; dueOn: string | null },
): Promise<Map<string, string>> {
  if (input.templateIds.length === 0) return new Map();
  const made = await insertAssignments(tx, { kind: 'system', tenant: { id: tenantId } }, {
    patientId: input.patientId, templateIds: input.templateIds, source: 'order', dueOn: input.dueOn, whenOpen: 'skip',
  });
  const open = await tx
    .select({ id: formAssignments.id, templateId: formAssignments.templateId })
    .from(formAssignments)
    .where(and(
      eq(formAssignments.tenantId, tenantId), eq(formAssignments.patientId, input.patientId),
      inArray(formAssignments.templateId, [...input.templateIds]), inArray(formAssignments.status, [...openAssignmentStatuses]),
    ));
  if (made.length > 0) await enqueueFormNotice(tx, { tenantId, patientId: input.patientId, kind: 'assigned', event: `forms:order:${input.orderId}` });
  return new Map(open.map((o) => [o.templateId, o.id]));
}

/** Staff withdraw a form the patient has not sent yet. */
export async function cancelAssignment(db: Executor, ctx: StaffContext, input: { patientId: string; assignmentId: string }): Promise<void> {
  assertPermission(ctx, 'forms.assign');
  if (!isUuid(input.patientId) || !isUuid(input.assignmentId)) throw new NotFoundError('form');
  await db.transaction(async (tx) => {
    const at = now();
    const [row] = await tx
      .update(formAssignments)
      .set({ status: 'cancelled', cancelledAt: at, cancelledById: ctx.actor.id, updatedAt: at })
      .where(and(
        eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, input.assignmentId), eq(formAssignments.patientId, input.patientId),
        inArray(formAssignments.status, [...openAssignmentStatuses]),
      ))
      .returning({ id: formAssignments.id, templateId: formAssignments.templateId });
    if (!row) {
      await findAssignment(tx, ctx, input);
      throw new FormsRuleError('not-open');
    }
    await recordAudit(tx, ctx, {
      action: FormsAuditActions.assignmentCancelled, patientId: input.patientId, target: { type: 'form_assignment', id: row.id },
      details: { templateId: row.templateId },
    });
  });
}

/** The assignment of this patient in this clinic (optionally locked); not-found otherwise. */
export async function findAssignment(db: Executor, ctx: StaffContext, input: { patientId: string; assignmentId: string }, lock = false) {
  if (!isUuid(input.patientId) || !isUuid(input.assignmentId)) throw new NotFoundError('form');
  const query = db
    .select()
    .from(formAssignments)
    .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, input.assignmentId), eq(formAssignments.patientId, input.patientId)))
    .$dynamic();
  const [row] = await (lock ? query.for('update') : query);
  if (!row) throw new NotFoundError('form');
  return row;
}

export interface PatientAssignment {
  id: string;
  templateId: string;
  title: string;
  kind: FormKind;
  version: number;
  status: AssignmentStatus;
  source: AssignmentSource;
  message: string | null;
  dueOn: string | null;
  assignedAt: Date;
  assignedByName: string | null;
  submittedAt: Date | null;
  reviewedAt: Date | null;
  /** A correction was asked for and the patient has not sent it yet. */
  correctionOpen: boolean;
  /** There is a submitted response to read. */
  hasSubmission: boolean;
}

/** The chart's Forms tab: every form given to the patient, open ones first, newest first. */
export async function listPatientAssignments(db: Executor, ctx: StaffContext, patientId: string): Promise<PatientAssignment[]> {
  assertPermission(ctx, 'patients.view');
  await assertPatient(db, ctx.tenant.id, patientId);
  const submitted = sql<boolean>`exists (select 1 from ${formResponses} r where r.tenant_id = ${formAssignments.tenantId} and r.assignment_id = ${formAssignments.id} and r.status = 'submitted')`;
  const correcting = sql<boolean>`exists (select 1 from ${formResponses} r where r.tenant_id = ${formAssignments.tenantId} and r.assignment_id = ${formAssignments.id} and r.status = 'in_progress' and r.amends_response_id is not null)`;
  const rows = await db
    .select({
      id: formAssignments.id, templateId: formAssignments.templateId, title: formTemplates.title, kind: formTemplates.kind,
      version: formTemplateVersions.version, status: formAssignments.status, source: formAssignments.source, message: formAssignments.message,
      dueOn: formAssignments.dueOn, assignedAt: formAssignments.createdAt, assignedByName: staffUsers.fullName,
      submittedAt: formAssignments.submittedAt, reviewedAt: formAssignments.reviewedAt, correctionOpen: correcting, hasSubmission: submitted,
    })
    .from(formAssignments)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formAssignments.tenantId), eq(formTemplateVersions.id, formAssignments.versionId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, formAssignments.tenantId), eq(staffUsers.id, formAssignments.assignedById)))
    .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.patientId, patientId)))
    .orderBy(
      sql`case when ${formAssignments.status} in ('assigned', 'in_progress', 'submitted') then 0 else 1 end`,
      desc(formAssignments.createdAt), asc(formAssignments.id),
    )
    .limit(200);
  await auditChartSection(db, ctx, patientId, 'forms');
  return rows.map((r) => ({ ...r, correctionOpen: Boolean(r.correctionOpen), hasSubmission: Boolean(r.hasSubmission) }));
}
