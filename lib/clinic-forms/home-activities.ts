import 'server-only';
import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  formAssignments, formTemplates, formTemplateVersions, homeActivityDays, openAssignmentStatuses, patients, type AssignmentStatus,
} from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { activityPlan, canMarkDay, checklistDays, planEnd, type ActivityDay, type ActivityPlan } from './activity-plan';
import { FormsAuditActions } from './audit-actions';
import type { FormDefinition, FormField } from './definition';
import { FormsRuleError } from './errors';
import { clinicTimeZone } from './reminders';
import { readDefinition } from './templates';

/**
 * Home activities (issue 15 point 9): forms of kind home_activity (text and headings, a frequency
 * and a number of days), assigned like any form. The patient, or an account acting for them,
 * reads the activity and marks each day done (home_activity_days, one row per day); staff read
 * the adherence in the chart. Days are calendar dates in the clinic's time zone, from the day the
 * activity was assigned (activity-plan.ts). A cancelled activity is gone from the portal; another
 * clinic's, another patient's or an unlinked patient's activity answers not-found.
 */

const OPEN: readonly AssignmentStatus[] = openAssignmentStatuses;

export interface ActivitySummary {
  assignmentId: string;
  title: string;
  description: string | null;
  frequency: string | null;
  status: AssignmentStatus;
  assignedAt: Date;
  plan: ActivityPlan;
}

export interface ActivityDetail extends ActivitySummary {
  fields: FormField[];
  /** The clinic's message sent with the activity. */
  message: string | null;
  /** The days the portal's checklist offers, newest first. */
  checklist: ActivityDay[];
}

export interface PatientActivity extends ActivitySummary {
  lastMarkedAt: Date | null;
}

const activityColumns = {
  assignmentId: formAssignments.id,
  status: formAssignments.status,
  message: formAssignments.message,
  createdAt: formAssignments.createdAt,
  templateTitle: formTemplates.title,
  definition: formTemplateVersions.definition,
};

/** Home-activity assignments of one patient of the clinic (the pinned version's definition), newest first. */
function activityQuery(db: Executor, tenantId: string, patientId: string, options: { assignmentId?: string; includeCancelled: boolean }) {
  return db
    .select(activityColumns)
    .from(formAssignments)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formAssignments.tenantId), eq(formTemplateVersions.id, formAssignments.versionId)))
    .where(and(
      eq(formAssignments.tenantId, tenantId),
      eq(formAssignments.patientId, patientId),
      eq(formTemplates.kind, 'home_activity'),
      options.includeCancelled ? sql`true` : ne(formAssignments.status, 'cancelled'),
      options.assignmentId ? eq(formAssignments.id, options.assignmentId) : sql`true`,
    ))
    .orderBy(desc(formAssignments.createdAt), desc(formAssignments.id))
    .limit(100);
}
type ActivityRow = Awaited<ReturnType<typeof activityQuery>>[number];

async function marksOf(db: Executor, tenantId: string, assignmentIds: string[]) {
  if (assignmentIds.length === 0) return new Map<string, { days: string[]; lastMarkedAt: Date | null }>();
  const rows = await db
    .select({ assignmentId: homeActivityDays.assignmentId, day: homeActivityDays.day, markedAt: homeActivityDays.markedAt })
    .from(homeActivityDays)
    .where(and(eq(homeActivityDays.tenantId, tenantId), inArray(homeActivityDays.assignmentId, assignmentIds)));
  const byAssignment = new Map<string, { days: string[]; lastMarkedAt: Date | null }>();
  for (const row of rows) {
    const entry = byAssignment.get(row.assignmentId) ?? { days: [], lastMarkedAt: null };
    entry.days.push(row.day);
    if (!entry.lastMarkedAt || row.markedAt > entry.lastMarkedAt) entry.lastMarkedAt = row.markedAt;
    byAssignment.set(row.assignmentId, entry);
  }
  return byAssignment;
}

function definitionOf(row: ActivityRow): FormDefinition {
  return readDefinition(row.definition, 'home_activity');
}

function summarise(row: ActivityRow, definition: FormDefinition, zone: string, today: string, days: string[]): ActivitySummary {
  return {
    assignmentId: row.assignmentId,
    title: definition.title || row.templateTitle,
    description: definition.description ?? null,
    frequency: definition.frequency ?? null,
    status: row.status,
    assignedAt: row.createdAt,
    plan: activityPlan({ start: zonedDate(row.createdAt, zone), plannedDays: definition.days, today, doneDays: days, open: OPEN.includes(row.status) }),
  };
}

async function clinicDay(db: Executor, tenantId: string) {
  const zone = await clinicTimeZone(db, tenantId);
  return { zone, today: zonedDate(now(), zone) };
}

// ---------------------------------------------------------------------------------------------
// Portal: the selected patient's activities

/** The selected patient's activities that are not cancelled, newest first, with their progress. */
export async function listPortalActivities(db: Executor, ctx: PortalContext): Promise<ActivitySummary[]> {
  await assertPortalArea(db, ctx, 'forms');
  const rows = await activityQuery(db, ctx.tenant.id, ctx.patient.id, { includeCancelled: false });
  if (rows.length === 0) return [];
  const [{ zone, today }, marks] = await Promise.all([clinicDay(db, ctx.tenant.id), marksOf(db, ctx.tenant.id, rows.map((r) => r.assignmentId))]);
  // An activity's title can say something about health ("pelvic floor exercises"): a read of the record.
  await recordAudit(db, ctx, {
    action: FormsAuditActions.activitiesListed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { count: rows.length, area: 'portal' },
  });
  return rows.map((row) => summarise(row, definitionOf(row), zone, today, marks.get(row.assignmentId)?.days ?? []));
}

/** One of the selected patient's activities: its content, progress and the checklist's days. */
export async function getActivity(db: Executor, ctx: PortalContext, assignmentId: string): Promise<ActivityDetail> {
  await assertPortalArea(db, ctx, 'forms');
  if (!isUuid(assignmentId)) throw new NotFoundError('activity');
  const [row] = await activityQuery(db, ctx.tenant.id, ctx.patient.id, { assignmentId, includeCancelled: false });
  if (!row) throw new NotFoundError('activity');
  const [{ zone, today }, marks] = await Promise.all([clinicDay(db, ctx.tenant.id), marksOf(db, ctx.tenant.id, [row.assignmentId])]);
  const definition = definitionOf(row);
  const summary = summarise(row, definition, zone, today, marks.get(row.assignmentId)?.days ?? []);
  await recordAudit(db, ctx, {
    action: FormsAuditActions.activityViewed, patientId: ctx.patient.id, target: { type: 'form_assignment', id: row.assignmentId },
    details: { area: 'portal' },
  });
  return { ...summary, fields: definition.fields, message: row.message, checklist: checklistDays(summary.plan) };
}

/**
 * Marks one day of an activity done, or not done. Idempotent: marking a marked day, or clearing a
 * clear one, changes nothing and writes no audit entry. The first day marked moves the assignment
 * from "assigned" to "in progress", so the chart's Forms tab shows the patient has started.
 */
export async function markDay(
  db: Executor, ctx: PortalContext, assignmentId: string, input: { day: string; done: boolean },
): Promise<{ changed: boolean }> {
  if (!isUuid(assignmentId)) throw new NotFoundError('activity');
  return db.transaction(async (tx) => {
    await assertPortalArea(tx, ctx, 'forms');
    // Locked, so two taps on two devices and a cancellation by staff are applied one after the other.
    const [row] = await tx
      .select({ id: formAssignments.id, status: formAssignments.status, createdAt: formAssignments.createdAt, definition: formTemplateVersions.definition })
      .from(formAssignments)
      .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
      .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formAssignments.tenantId), eq(formTemplateVersions.id, formAssignments.versionId)))
      .where(and(
        eq(formAssignments.tenantId, ctx.tenant.id),
        eq(formAssignments.id, assignmentId),
        eq(formAssignments.patientId, ctx.patient.id),
        eq(formTemplates.kind, 'home_activity'),
        ne(formAssignments.status, 'cancelled'),
      ))
      .for('update', { of: formAssignments });
    if (!row) throw new NotFoundError('activity');
    const open = OPEN.includes(row.status);
    if (!open) throw new FormsRuleError('not-open');
    const { zone, today } = await clinicDay(tx, ctx.tenant.id);
    const start = zonedDate(row.createdAt, zone);
    const definition = readDefinition(row.definition, 'home_activity');
    if (!canMarkDay({ start, end: planEnd(start, definition.days), today }, input.day, open)) {
      throw new FormsRuleError('activity-day-outside');
    }

    const key = and(eq(homeActivityDays.tenantId, ctx.tenant.id), eq(homeActivityDays.assignmentId, row.id), eq(homeActivityDays.day, input.day));
    const changed = input.done
      ? await tx.insert(homeActivityDays)
        .values({ tenantId: ctx.tenant.id, assignmentId: row.id, day: input.day, markedByAccountId: ctx.account.id, markedAt: now() })
        .onConflictDoNothing()
        .returning({ day: homeActivityDays.day })
      : await tx.delete(homeActivityDays).where(key).returning({ day: homeActivityDays.day });
    if (changed.length === 0) return { changed: false };

    if (input.done && row.status === 'assigned') {
      await tx.update(formAssignments).set({ status: 'in_progress', updatedAt: now() })
        .where(and(eq(formAssignments.tenantId, ctx.tenant.id), eq(formAssignments.id, row.id)));
    }
    await recordAudit(tx, ctx, {
      action: input.done ? FormsAuditActions.activityDayMarked : FormsAuditActions.activityDayUnmarked,
      patientId: ctx.patient.id, target: { type: 'form_assignment', id: row.id }, details: { day: input.day, area: 'portal' },
    });
    return { changed: true };
  });
}

// ---------------------------------------------------------------------------------------------
// Staff: adherence in the chart

/**
 * A patient's home activities for the chart (`patients.view`), cancelled ones included (what was
 * done before a cancellation still counts): days done of those planned, the last mark, the days.
 */
export async function listPatientActivities(db: Executor, ctx: StaffContext, patientId: string): Promise<PatientActivity[]> {
  assertPermission(ctx, 'patients.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [patient] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!patient) throw new NotFoundError('patient');
  const rows = await activityQuery(db, ctx.tenant.id, patientId, { includeCancelled: true });
  if (rows.length === 0) return [];
  const [{ zone, today }, marks] = await Promise.all([clinicDay(db, ctx.tenant.id), marksOf(db, ctx.tenant.id, rows.map((r) => r.assignmentId))]);
  await recordAudit(db, ctx, {
    action: FormsAuditActions.activitiesListed, patientId, target: { type: 'patient', id: patientId },
    details: { count: rows.length, area: 'emr' },
  });
  return rows.map((row) => {
    const mark = marks.get(row.assignmentId);
    return { ...summarise(row, definitionOf(row), zone, today, mark?.days ?? []), lastMarkedAt: mark?.lastMarkedAt ?? null };
  });
}
