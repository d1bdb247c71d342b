import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patients, tasks, type Task } from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isCalendarDate } from '@/lib/billing/invoice-forms';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { addDays } from '@/lib/scheduling/zoned-time';
import { CONTROL_CHARACTERS } from '@/lib/validation/text';
import { EngagementAuditActions } from './audit-actions';
import { taskAssignees } from './task-queries';
import { TASK_LIMITS } from './task-forms';

/**
 * Staff tasks (issue 18 point 5), changes: create, edit, reassign, complete and reopen, each by
 * staff with tasks.manage; and createTaskFromAutomation, the step automations call. A task is
 * given to a person (active, with tasks.manage) and/or one of the clinic's teams (the team list
 * of CRM → Shop settings), may be about a patient of the clinic (linking one needs
 * patients.view) and may be due on a day of the clinic's calendar. Every change is audited with
 * ids, statuses, days and the names of the fields that changed, never the title or details.
 * The reads are in task-queries.ts; the forms in task-forms.ts.
 */

export interface NewTask {
  title: string;
  details: string | null;
  patientId: string | null;
  assigneeStaffId: string | null;
  assigneeTeam: string | null;
  dueOn: string | null;
}

const unknownStaff = () => new RuleError('task-assignee-unknown', 'Choose a staff member from the list.', { assigneeStaffId: 'Choose someone at this clinic who works on tasks.' });
const unknownTeam = () => new RuleError('task-team-unknown', 'Choose a team from the list.', { assigneeTeam: 'Choose one of the clinic’s teams (CRM → Shop settings).' });

/**
 * The assignment is one the clinic allows. A person or team already on the task (`current`) stays
 * allowed while unchanged, so editing an old task does not fail for a team since renamed.
 */
async function checkAssignment(db: Executor, tenantId: string, next: { staffId: string | null; team: string | null }, current?: { staffId: string | null; team: string | null }) {
  const [people, settings] = await Promise.all([
    next.staffId && next.staffId !== current?.staffId ? taskAssignees(db, tenantId) : null,
    next.team && next.team !== current?.team ? getCommerceSettings(db, tenantId) : null,
  ]);
  if (people && !people.some((p) => p.id === next.staffId)) throw unknownStaff();
  if (settings && !settings.teams.includes(next.team!)) throw unknownTeam();
}

async function checkPatient(db: Executor, ctx: StaffContext, patientId: string): Promise<void> {
  if (!hasPermission(ctx, 'patients.view')) {
    throw new RuleError('task-patient-forbidden', 'Linking a task to a patient needs permission to view patients.', { patientId: 'Leave the patient out, or ask someone who can view patients.' });
  }
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new RuleError('task-patient-unknown', 'This patient is not in the clinic’s records.', { patientId: 'Choose the patient again.' });
}

/** The task, locked for this transaction; another clinic's id is not found. */
async function lockTask(tx: Executor, ctx: StaffContext, taskId: string): Promise<Task> {
  if (!isUuid(taskId)) throw new NotFoundError('task');
  const [task] = await tx.select().from(tasks).where(and(eq(tasks.tenantId, ctx.tenant.id), eq(tasks.id, taskId))).for('update');
  if (!task) throw new NotFoundError('task');
  return task;
}

async function taskExists(db: Executor, ctx: StaffContext, taskId: string): Promise<Pick<Task, 'status' | 'doneByStaffId'>> {
  if (!isUuid(taskId)) throw new NotFoundError('task');
  const [task] = await db.select({ status: tasks.status, doneByStaffId: tasks.doneByStaffId }).from(tasks).where(and(eq(tasks.tenantId, ctx.tenant.id), eq(tasks.id, taskId)));
  if (!task) throw new NotFoundError('task');
  return task;
}

/** "New task" by a member of staff. */
export async function createTask(db: Executor, ctx: StaffContext, input: NewTask): Promise<{ id: string }> {
  assertPermission(ctx, 'tasks.manage');
  if (input.patientId) await checkPatient(db, ctx, input.patientId);
  await checkAssignment(db, ctx.tenant.id, { staffId: input.assigneeStaffId, team: input.assigneeTeam });
  return db.transaction(async (tx) => {
    const [task] = await tx.insert(tasks).values({
      tenantId: ctx.tenant.id, title: input.title, details: input.details, patientId: input.patientId, assigneeStaffId: input.assigneeStaffId,
      assigneeTeam: input.assigneeTeam, dueOn: input.dueOn, source: 'staff', createdByStaffId: ctx.actor.id,
    }).returning({ id: tasks.id });
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.taskCreated, patientId: input.patientId, target: { type: 'task', id: task!.id },
      details: { source: 'staff', assigneeStaffId: input.assigneeStaffId, assigneeTeam: input.assigneeTeam, dueOn: input.dueOn, withDetails: input.details !== null },
    });
    return { id: task!.id };
  });
}

/** "Edit": the title, the details and the due day. `changed` is false when nothing differed. */
export async function updateTask(db: Executor, ctx: StaffContext, input: { taskId: string; title: string; details: string | null; dueOn: string | null }): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'tasks.manage');
  return db.transaction(async (tx) => {
    const task = await lockTask(tx, ctx, input.taskId);
    const changed = (['title', 'details', 'dueOn'] as const).filter((field) => task[field] !== input[field]);
    if (changed.length === 0) return { changed: false };
    await tx.update(tasks).set({ title: input.title, details: input.details, dueOn: input.dueOn, updatedAt: now() })
      .where(and(eq(tasks.tenantId, ctx.tenant.id), eq(tasks.id, task.id)));
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.taskUpdated, patientId: task.patientId, target: { type: 'task', id: task.id },
      details: { changed, ...(changed.includes('dueOn') ? { dueOn: { before: task.dueOn, after: input.dueOn } } : {}) },
    });
    return { changed: true };
  });
}

/** "Reassign": a person and/or a team (null clears each). */
export async function assignTask(db: Executor, ctx: StaffContext, input: { taskId: string; assigneeStaffId: string | null; assigneeTeam: string | null }): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'tasks.manage');
  return db.transaction(async (tx) => {
    const task = await lockTask(tx, ctx, input.taskId);
    if (task.assigneeStaffId === input.assigneeStaffId && task.assigneeTeam === input.assigneeTeam) return { changed: false };
    await checkAssignment(tx, ctx.tenant.id, { staffId: input.assigneeStaffId, team: input.assigneeTeam }, { staffId: task.assigneeStaffId, team: task.assigneeTeam });
    await tx.update(tasks).set({ assigneeStaffId: input.assigneeStaffId, assigneeTeam: input.assigneeTeam, updatedAt: now() })
      .where(and(eq(tasks.tenantId, ctx.tenant.id), eq(tasks.id, task.id)));
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.taskAssigned, patientId: task.patientId, target: { type: 'task', id: task.id },
      details: { staffId: { before: task.assigneeStaffId, after: input.assigneeStaffId }, team: { before: task.assigneeTeam, after: input.assigneeTeam } },
    });
    return { changed: true };
  });
}

/**
 * "Done". One conditional UPDATE (only while open), so two clicks, two tabs or two people
 * complete it once: the second finds it done and changes nothing (`changed: false`, with who did).
 */
export async function completeTask(db: Executor, ctx: StaffContext, input: { taskId: string }): Promise<{ changed: boolean; doneByStaffId: string | null }> {
  assertPermission(ctx, 'tasks.manage');
  if (!isUuid(input.taskId)) throw new NotFoundError('task');
  return db.transaction(async (tx) => {
    const at = now();
    const [done] = await tx.update(tasks).set({ status: 'done', doneAt: at, doneByStaffId: ctx.actor.id, updatedAt: at })
      .where(and(eq(tasks.tenantId, ctx.tenant.id), eq(tasks.id, input.taskId), eq(tasks.status, 'open')))
      .returning({ id: tasks.id, patientId: tasks.patientId, dueOn: tasks.dueOn });
    if (!done) {
      const task = await taskExists(tx, ctx, input.taskId);
      return { changed: false, doneByStaffId: task.doneByStaffId };
    }
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.taskCompleted, patientId: done.patientId, target: { type: 'task', id: done.id }, details: { dueOn: done.dueOn },
    });
    return { changed: true, doneByStaffId: ctx.actor.id };
  });
}

/** "Reopen" a done task: open again, who did it and when forgotten (the audit log keeps it). */
export async function reopenTask(db: Executor, ctx: StaffContext, input: { taskId: string }): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'tasks.manage');
  if (!isUuid(input.taskId)) throw new NotFoundError('task');
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ doneByStaffId: tasks.doneByStaffId, doneAt: tasks.doneAt }).from(tasks)
      .where(and(eq(tasks.tenantId, ctx.tenant.id), eq(tasks.id, input.taskId), eq(tasks.status, 'done'))).for('update');
    const [reopened] = before
      ? await tx.update(tasks).set({ status: 'open', doneAt: null, doneByStaffId: null, updatedAt: now() })
        .where(and(eq(tasks.tenantId, ctx.tenant.id), eq(tasks.id, input.taskId), eq(tasks.status, 'done')))
        .returning({ id: tasks.id, patientId: tasks.patientId })
      : [];
    if (!reopened) {
      await taskExists(tx, ctx, input.taskId);
      return { changed: false };
    }
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.taskReopened, patientId: reopened.patientId, target: { type: 'task', id: reopened.id },
      details: { doneByStaffId: before!.doneByStaffId, doneAt: before!.doneAt?.toISOString() ?? null },
    });
    return { changed: true };
  });
}

// ---------------------------------------------------------------------------------------------
// Automations

export interface AutomationTask {
  /**
   * Unique in the clinic for the step that makes the task (for example
   * `automation-run:<run id>:step:<n>`): a retried or doubled run finds its task instead of a twin.
   */
  sourceKey: string;
  /** Rendered from the automation's words: cut to 200 characters, control characters dropped. */
  title: string;
  details?: string | null;
  patientId?: string | null;
  assigneeStaffId?: string | null;
  assigneeTeam?: string | null;
  /** A day of the clinic's calendar, or… */
  dueOn?: string | null;
  /** …this many days after the clinic's today (0: today). */
  dueInDays?: number | null;
}

export interface AutomationTaskResult {
  id: string;
  /** False when a task with this source key already existed (nothing was written). */
  created: boolean;
  /**
   * What was left off because the clinic no longer allows it: a person who left or lost
   * tasks.manage, a team taken off the list. The task is made anyway, so it is not lost: without
   * them it shows under Unassigned.
   */
  dropped: ('assigneeStaffId' | 'assigneeTeam')[];
}

function cleanText(text: string, max: number): string {
  const clean = text.replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

/**
 * The "create a task" step of an automation, in the run's transaction. Idempotent on `sourceKey`
 * (ON CONFLICT DO NOTHING on the clinic's unique source keys), so a run retried after a crash, or
 * claimed by two runners, makes one task. Audited as the system's when it makes one.
 * Refuses (throws) only what the automation's author must fix: an empty title, a malformed key
 * or day, a patient not of this clinic.
 */
export async function createTaskFromAutomation(tx: Executor, tenantId: string, input: AutomationTask): Promise<AutomationTaskResult> {
  const sourceKey = input.sourceKey.trim();
  if (sourceKey.length === 0 || sourceKey.length > 200) throw new Error('createTaskFromAutomation: sourceKey must be 1 to 200 characters');
  const title = cleanText(input.title, TASK_LIMITS.title);
  if (title.length === 0) throw new Error('createTaskFromAutomation: the title is empty');
  const details = input.details ? cleanText(input.details, TASK_LIMITS.details) || null : null;
  if (input.dueOn && !isCalendarDate(input.dueOn)) throw new Error('createTaskFromAutomation: dueOn is not a calendar date');
  const dueOn = input.dueOn ?? (typeof input.dueInDays === 'number' && Number.isInteger(input.dueInDays) ? addDays(await clinicToday(tx, tenantId), input.dueInDays) : null);

  const [existing] = await tx.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.sourceKey, sourceKey)));
  if (existing) return { id: existing.id, created: false, dropped: [] };

  const patientId = input.patientId ?? null;
  if (patientId) {
    const [row] = isUuid(patientId) ? await tx.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId))) : [];
    if (!row) throw new NotFoundError('patient');
  }
  const dropped: AutomationTaskResult['dropped'] = [];
  let staffId = input.assigneeStaffId ?? null;
  if (staffId && !(await taskAssignees(tx, tenantId)).some((p) => p.id === staffId)) {
    staffId = null;
    dropped.push('assigneeStaffId');
  }
  let team = input.assigneeTeam ?? null;
  if (team && !(await getCommerceSettings(tx, tenantId)).teams.includes(team)) {
    team = null;
    dropped.push('assigneeTeam');
  }

  const [made] = await tx.insert(tasks).values({
    tenantId, title, details, patientId, assigneeStaffId: staffId, assigneeTeam: team, dueOn, source: 'automation', sourceKey,
  }).onConflictDoNothing({ target: [tasks.tenantId, tasks.sourceKey], where: sql`source_key is not null` }).returning({ id: tasks.id });
  if (!made) {
    // Another runner made it between the look and the insert: its task is this step's task.
    const [theirs] = await tx.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.sourceKey, sourceKey)));
    return { id: theirs!.id, created: false, dropped: [] };
  }
  await recordAudit(tx, {
    tenantId, actor: { kind: 'system', label: 'automation' }, action: EngagementAuditActions.taskCreated, patientId, target: { type: 'task', id: made.id },
    details: { source: 'automation', sourceKey, assigneeStaffId: staffId, assigneeTeam: team, dueOn, withDetails: details !== null, dropped },
  });
  return { id: made.id, created: true, dropped };
}
