import 'server-only';
import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import { accessLevels, patients, staffUsers, tasks, type TaskStatus } from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { EngagementAuditActions } from './audit-actions';
import type { TaskListQuery, TaskShow, TaskView } from './task-forms';

/**
 * Staff tasks (issue 18 point 5), reads: the clinic's list with its filters and counts, a
 * patient's tasks for the chart, one task, and whom a task can be given to. tasks.manage; another
 * clinic's task answers not-found. A task's patient is named only to staff who may see patients
 * (patients.view); the others read that the task is about a patient. The changes are in tasks.ts.
 */

export const TASK_PAGE_SIZE = 25;

export interface TaskPatient { id: string; firstName: string; lastName: string; recordNumber: string }

export interface TaskListRow {
  id: string;
  title: string;
  status: TaskStatus;
  /** A day of the clinic's calendar, or null. */
  dueOn: string | null;
  createdAt: Date;
  doneAt: Date | null;
  source: 'staff' | 'automation';
  /** The patient, when the task has one and the reader may see patients. */
  patient: TaskPatient | null;
  hasPatient: boolean;
  assignee: { id: string; fullName: string } | null;
  team: string | null;
  doneBy: { id: string; fullName: string } | null;
}

const assignee = alias(staffUsers, 'task_assignee');
const doneBy = alias(staffUsers, 'task_done_by');
const createdBy = alias(staffUsers, 'task_created_by');

function rowColumns() {
  return {
    id: tasks.id, title: tasks.title, status: tasks.status, dueOn: tasks.dueOn, createdAt: tasks.createdAt, doneAt: tasks.doneAt, source: tasks.source,
    patientId: tasks.patientId, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber,
    assigneeId: assignee.id, assigneeName: assignee.fullName, team: tasks.assigneeTeam, doneById: doneBy.id, doneByName: doneBy.fullName,
  };
}

type RawRow = { [K in keyof ReturnType<typeof rowColumns>]: ReturnType<typeof rowColumns>[K]['_']['data'] | null };

function toRow(ctx: StaffContext, r: RawRow): TaskListRow {
  const seesPatients = hasPermission(ctx, 'patients.view');
  return {
    id: r.id!, title: r.title!, status: r.status!, dueOn: r.dueOn, createdAt: r.createdAt!, doneAt: r.doneAt, source: r.source!,
    patient: seesPatients && r.patientId && r.firstName !== null ? { id: r.patientId, firstName: r.firstName, lastName: r.lastName!, recordNumber: r.recordNumber! } : null,
    hasPatient: r.patientId !== null,
    assignee: r.assigneeId ? { id: r.assigneeId, fullName: r.assigneeName ?? '' } : null,
    team: r.team,
    doneBy: r.doneById ? { id: r.doneById, fullName: r.doneByName ?? '' } : null,
  };
}

/** The clinic's tasks that meet `conditions` (the clinic is always the first condition). */
function rowsQuery(db: Executor, tenantId: string, conditions: (SQL | undefined)[]) {
  return db.select(rowColumns()).from(tasks)
    .leftJoin(patients, and(eq(patients.tenantId, tasks.tenantId), eq(patients.id, tasks.patientId)))
    .leftJoin(assignee, and(eq(assignee.tenantId, tasks.tenantId), eq(assignee.id, tasks.assigneeStaffId)))
    .leftJoin(doneBy, and(eq(doneBy.tenantId, tasks.tenantId), eq(doneBy.id, tasks.doneByStaffId)))
    .where(and(eq(tasks.tenantId, tenantId), ...conditions));
}

/** One task with what only its own page shows: the details, who made it, when it last changed. */
function detailQuery(db: Executor, tenantId: string, taskId: string) {
  return db.select({ ...rowColumns(), details: tasks.details, updatedAt: tasks.updatedAt, createdById: createdBy.id, createdByName: createdBy.fullName }).from(tasks)
    .leftJoin(patients, and(eq(patients.tenantId, tasks.tenantId), eq(patients.id, tasks.patientId)))
    .leftJoin(assignee, and(eq(assignee.tenantId, tasks.tenantId), eq(assignee.id, tasks.assigneeStaffId)))
    .leftJoin(doneBy, and(eq(doneBy.tenantId, tasks.tenantId), eq(doneBy.id, tasks.doneByStaffId)))
    .leftJoin(createdBy, and(eq(createdBy.tenantId, tasks.tenantId), eq(createdBy.id, tasks.createdByStaffId)))
    .where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, taskId)));
}

function viewCondition(view: TaskView, ctx: StaffContext): SQL {
  switch (view.kind) {
    case 'mine': return eq(tasks.assigneeStaffId, ctx.actor.id);
    case 'unassigned': return and(isNull(tasks.assigneeStaffId), isNull(tasks.assigneeTeam))!;
    case 'team': return eq(tasks.assigneeTeam, view.name);
    default: return sql`true`;
  }
}

/** `today` is the clinic's calendar day: a task due before it is overdue. */
function showCondition(show: TaskShow, today: string): SQL {
  switch (show) {
    case 'overdue': return sql`(${tasks.status} = 'open' and ${tasks.dueOn} < ${today})`;
    case 'today': return sql`(${tasks.status} = 'open' and ${tasks.dueOn} = ${today})`;
    case 'done': return sql`${tasks.status} = 'done'`;
    default: return sql`${tasks.status} = 'open'`;
  }
}

const count = (condition: SQL) => sql<number>`(count(*) filter (where ${condition}))::int`;

export interface TaskCounts {
  /** Open tasks whoever has them, the reader's, nobody's, and each team's (the list's tabs). */
  views: { all: number; mine: number; unassigned: number; teams: Record<string, number> };
  /** Within the chosen view: open, overdue, due today, done. */
  shows: Record<TaskShow, number>;
}

export interface TaskList {
  rows: TaskListRow[];
  page: number;
  hasMore: boolean;
  counts: TaskCounts;
  /** The clinic's teams with a tab: its list (CRM → Shop settings), then any other team that still has open tasks. */
  teams: string[];
  /** The clinic's calendar day the list was read on. */
  today: string;
}

/**
 * /emr/tasks: one page of the clinic's tasks for a view (all, mine, unassigned, a team) and a
 * show (open, overdue, due today, done), with the counts the tabs carry. Open tasks come by due
 * day (undated last), then oldest first; done tasks newest first.
 */
export async function listTasks(db: Executor, ctx: StaffContext, query: TaskListQuery): Promise<TaskList> {
  assertPermission(ctx, 'tasks.manage');
  const tenantId = ctx.tenant.id;
  const [today, settings] = await Promise.all([clinicToday(db, tenantId), getCommerceSettings(db, tenantId)]);
  const view = viewCondition(query.view, ctx);
  const order = query.show === 'done'
    ? [desc(tasks.doneAt), desc(tasks.id)]
    : [sql`${tasks.dueOn} asc nulls last`, asc(tasks.createdAt), asc(tasks.id)];
  const open = showCondition('open', today);
  const [rows, [totals], teamRows] = await Promise.all([
    rowsQuery(db, tenantId, [view, showCondition(query.show, today)]).orderBy(...order).limit(TASK_PAGE_SIZE + 1).offset((query.page - 1) * TASK_PAGE_SIZE),
    db.select({
      all: count(open),
      mine: count(and(open, viewCondition({ kind: 'mine' }, ctx))!),
      unassigned: count(and(open, viewCondition({ kind: 'unassigned' }, ctx))!),
      open: count(and(view, open)!),
      overdue: count(and(view, showCondition('overdue', today))!),
      today: count(and(view, showCondition('today', today))!),
      done: count(and(view, showCondition('done', today))!),
    }).from(tasks).where(eq(tasks.tenantId, tenantId)),
    db.select({ team: tasks.assigneeTeam, n: sql<number>`count(*)::int` }).from(tasks)
      .where(and(eq(tasks.tenantId, tenantId), eq(tasks.status, 'open'), sql`${tasks.assigneeTeam} is not null`))
      .groupBy(tasks.assigneeTeam),
  ]);
  const teamCounts = Object.fromEntries(teamRows.map((r) => [r.team!, r.n]));
  const extra = Object.keys(teamCounts).filter((t) => !settings.teams.includes(t)).sort();
  if (query.view.kind === 'team' && !settings.teams.includes(query.view.name) && !extra.includes(query.view.name)) extra.push(query.view.name);
  const teams = [...settings.teams, ...extra];
  const t = totals!;
  return {
    rows: rows.slice(0, TASK_PAGE_SIZE).map((r) => toRow(ctx, r)),
    page: query.page,
    hasMore: rows.length > TASK_PAGE_SIZE,
    counts: {
      views: { all: t.all, mine: t.mine, unassigned: t.unassigned, teams: Object.fromEntries(teams.map((name) => [name, teamCounts[name] ?? 0])) },
      shows: { open: t.open, overdue: t.overdue, today: t.today, done: t.done },
    },
    teams,
    today,
  };
}

/**
 * The chart's Tasks tab: a patient's open tasks (by due day) and the 50 last done. Needs
 * patients.view as well (the tab names the patient); another clinic's patient is not found.
 */
export async function listPatientTasks(db: Executor, ctx: StaffContext, patientId: string): Promise<{ open: TaskListRow[]; done: TaskListRow[]; today: string }> {
  assertPermission(ctx, 'tasks.manage');
  assertPermission(ctx, 'patients.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const tenantId = ctx.tenant.id;
  const [[patient], today] = await Promise.all([
    db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId))),
    clinicToday(db, tenantId),
  ]);
  if (!patient) throw new NotFoundError('patient');
  const mine = eq(tasks.patientId, patientId);
  const [open, done] = await Promise.all([
    rowsQuery(db, tenantId, [mine, eq(tasks.status, 'open')]).orderBy(sql`${tasks.dueOn} asc nulls last`, asc(tasks.createdAt), asc(tasks.id)).limit(200),
    rowsQuery(db, tenantId, [mine, eq(tasks.status, 'done')]).orderBy(desc(tasks.doneAt), desc(tasks.id)).limit(50),
  ]);
  await auditChartSection(db, ctx, patientId, 'tasks');
  return { open: open.map((r) => toRow(ctx, r)), done: done.map((r) => toRow(ctx, r)), today };
}

export interface TaskDetail extends TaskListRow {
  details: string | null;
  createdBy: { id: string; fullName: string } | null;
  updatedAt: Date;
}

/** One task as /emr/tasks/[id] shows it. Reading a task about a patient is audited (ids only). */
export async function getTaskForStaff(db: Executor, ctx: StaffContext, taskId: string): Promise<{ task: TaskDetail; today: string }> {
  assertPermission(ctx, 'tasks.manage');
  if (!isUuid(taskId)) throw new NotFoundError('task');
  const tenantId = ctx.tenant.id;
  const [[row], today] = await Promise.all([detailQuery(db, tenantId, taskId), clinicToday(db, tenantId)]);
  if (!row) throw new NotFoundError('task');
  const task: TaskDetail = {
    ...toRow(ctx, row),
    details: row.details,
    updatedAt: row.updatedAt,
    createdBy: row.createdById ? { id: row.createdById, fullName: row.createdByName ?? '' } : null,
  };
  if (task.patient) {
    await recordAudit(db, ctx, { action: EngagementAuditActions.taskViewed, patientId: task.patient.id, target: { type: 'task', id: task.id } });
  }
  return { task, today };
}

/** Staff a task can be given to: active, with tasks.manage, by name. */
export async function taskAssignees(db: Executor, tenantId: string): Promise<{ id: string; fullName: string }[]> {
  return db.select({ id: staffUsers.id, fullName: staffUsers.fullName }).from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.status, 'active'), sql`'tasks.manage' = any(${accessLevels.permissions})`))
    .orderBy(asc(staffUsers.fullName), asc(staffUsers.id));
}

/** What the task forms offer: people who can take a task, and the clinic's teams. */
export async function taskFormOptions(db: Executor, ctx: StaffContext): Promise<{ staff: { id: string; fullName: string }[]; teams: string[] }> {
  assertPermission(ctx, 'tasks.manage');
  const [staff, settings] = await Promise.all([taskAssignees(db, ctx.tenant.id), getCommerceSettings(db, ctx.tenant.id)]);
  return { staff, teams: settings.teams };
}

/** A patient to link a new task to (the form names them): the clinic's, for staff who see patients. */
export async function taskPatient(db: Executor, ctx: StaffContext, patientId: string): Promise<TaskPatient> {
  assertPermission(ctx, 'tasks.manage');
  assertPermission(ctx, 'patients.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db.select({ id: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber })
    .from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
  return row;
}
