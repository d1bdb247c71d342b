import { isCalendarDate } from '@/lib/billing/invoice-forms';
import { STRICT_FORM } from '@/lib/billing/settings-forms';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { isUuid } from '@/lib/kernel/ids';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * The EMR's task forms (issue 18 point 5), shared by the browser (useActionForm) and the server
 * actions; browser-safe. The list's filters are search params, read leniently (a bad value is no
 * filter, never an error). A due date is a day of the clinic's calendar ("2027-03-04"), not an
 * instant: "overdue" and "due today" are decided against the clinic's today (lib/engagement/tasks.ts).
 */

export const TASK_LIMITS = { title: 200, details: 4000, team: 60 } as const;

/** Due dates the forms take: far enough either way for any real plan, near enough to be a typo check. */
const DUE_RANGE = { from: '2000-01-01', to: '2099-12-31' } as const;

/**
 * Whose tasks the list shows: everyone's, the signed-in person's, nobody's (no person and no
 * team), or one team's. As a search param: `all`, `mine`, `unassigned` or `team:<name>`.
 */
export type TaskView = { kind: 'all' } | { kind: 'mine' } | { kind: 'unassigned' } | { kind: 'team'; name: string };

/** Which of those tasks: still open, open and past due, open and due today, or done. */
export const TASK_SHOWS = ['open', 'overdue', 'today', 'done'] as const;
export type TaskShow = (typeof TASK_SHOWS)[number];
export const TASK_SHOW_LABELS: Record<TaskShow, string> = { open: 'Open', overdue: 'Overdue', today: 'Due today', done: 'Done' };

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

function isTeamName(name: string): boolean {
  return name.length > 0 && name.length <= TASK_LIMITS.team && !/[\u0000-\u001f\u007f]/.test(name);
}

export function parseTaskView(v: unknown): TaskView {
  const value = first(v);
  if (value === 'mine' || value === 'unassigned') return { kind: value };
  if (typeof value === 'string' && value.startsWith('team:')) {
    const name = value.slice(5).trim();
    if (isTeamName(name)) return { kind: 'team', name };
  }
  return { kind: 'all' };
}

export function taskViewValue(view: TaskView): string {
  return view.kind === 'team' ? `team:${view.name}` : view.kind;
}

export function sameTaskView(a: TaskView, b: TaskView): boolean {
  return taskViewValue(a) === taskViewValue(b);
}

/** /emr/tasks's search params: a bad value is the default, never an error. */
export function taskListQuery(params: Record<string, unknown>) {
  const show = first(params.show);
  const page = first(params.page);
  return {
    view: parseTaskView(params.view),
    show: (TASK_SHOWS as readonly unknown[]).includes(show) ? (show as TaskShow) : 'open',
    page: typeof page === 'string' && /^\d{1,5}$/.test(page) && Number(page) > 0 ? Number(page) : 1,
  };
}
export type TaskListQuery = ReturnType<typeof taskListQuery>;

/** The list's address with these filters (only what differs from the defaults). */
export function taskListHref(q: TaskListQuery, change: Partial<TaskListQuery> = {}): string {
  const next = { ...q, page: 1, ...change };
  const search = new URLSearchParams();
  if (next.view.kind !== 'all') search.set('view', taskViewValue(next.view));
  if (next.show !== 'open') search.set('show', next.show);
  if (next.page > 1) search.set('page', String(next.page));
  const text = search.toString();
  return text ? `/emr/tasks?${text}` : '/emr/tasks';
}

/**
 * A due date as the list says it, against the clinic's today: "Today", "Tomorrow", or the day;
 * `overdue` when an open task's day has passed (the words say so too, not only the colour).
 */
export function describeDue(dueOn: string | null, today: string, open = true): { text: string; overdue: boolean; dueToday: boolean } {
  if (!dueOn) return { text: 'No due date', overdue: false, dueToday: false };
  const day = dayLabel(dueOn, today);
  if (!open) return { text: day, overdue: false, dueToday: false };
  if (dueOn === today) return { text: 'Today', overdue: false, dueToday: true };
  if (dueOn < today) return { text: `Overdue · ${day}`, overdue: true, dueToday: false };
  return { text: dueOn === nextDay(today) ? 'Tomorrow' : day, overdue: false, dueToday: false };
}

function dayLabel(date: string, today: string): string {
  const sameYear = date.slice(0, 4) === today.slice(0, 4);
  return dateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), timeZone: 'UTC' })
    .format(new Date(`${date}T12:00:00Z`));
}

function nextDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Forms

const taskId = z.uuid('This task no longer exists. Reload the page.');
const blankToNull = (v: unknown) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? null : v);

const title = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  withoutControlChars(z.string({ error: 'Enter what needs doing.' }))
    .min(1, 'Enter what needs doing.')
    .max(TASK_LIMITS.title, `Keep the title to ${TASK_LIMITS.title} characters or fewer; put the rest in the details.`),
);

const details = z.preprocess(
  blankToNull,
  withoutControlChars(z.string({ error: 'Enter the details as text.' })).trim()
    .max(TASK_LIMITS.details, `Keep the details to ${TASK_LIMITS.details} characters or fewer.`).nullable(),
);

const dueOn = z.preprocess(
  blankToNull,
  z.string({ error: 'Enter the due date as a date.' })
    .refine(isCalendarDate, 'Enter the due date as a date, like 2027-03-04.')
    .refine((d) => d >= DUE_RANGE.from && d <= DUE_RANGE.to, 'Choose a due date in this century.')
    .nullable(),
);

const patientId = z.preprocess(blankToNull, z.string({ error: 'Choose the patient again.' }).refine(isUuid, 'Choose the patient again.').nullable());
const assigneeStaffId = z.preprocess(blankToNull, z.string({ error: 'Choose a staff member from the list.' }).refine(isUuid, 'Choose a staff member from the list.').nullable());
const assigneeTeam = z.preprocess(
  blankToNull,
  withoutControlChars(z.string({ error: 'Choose a team from the list.' })).trim()
    .max(TASK_LIMITS.team, 'Choose a team from the list.').nullable(),
);

/** "New task": what, optional details, optional patient, a person and/or a team, an optional day. */
export const createTaskSchema = z.strictObject({ title, details, patientId, assigneeStaffId, assigneeTeam, dueOn }, STRICT_FORM);
export type CreateTaskForm = z.output<typeof createTaskSchema>;

/** "Edit": the words and the day (the patient stays; the assignment has its own form). */
export const updateTaskSchema = z.strictObject({ taskId, title, details, dueOn }, STRICT_FORM);
export type UpdateTaskForm = z.output<typeof updateTaskSchema>;

/** "Reassign": a person with tasks access and/or one of the clinic's teams; blank clears each. */
export const assignTaskSchema = z.strictObject({ taskId, assigneeStaffId, assigneeTeam }, STRICT_FORM);
export type AssignTaskForm = z.output<typeof assignTaskSchema>;

/** "Done" and "Reopen": one button each, naming the task. */
export const taskStatusSchema = z.strictObject({ taskId }, STRICT_FORM);
