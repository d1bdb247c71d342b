import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, commerceSettings, tasks } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import { taskListQuery } from '@/lib/engagement/task-forms';
import { getTaskForStaff, listPatientTasks, listTasks } from '@/lib/engagement/task-queries';
import { assignTask, completeTask, createTask, createTaskFromAutomation, reopenTask, updateTask, type NewTask } from '@/lib/engagement/tasks';
import { RuleError } from '@/lib/kernel/errors';
import { taskAudit, taskClinic, taskRow, type TaskClinic } from './engagement-tasks-fixtures';

/**
 * Staff tasks (issue 18 point 5) against Postgres: who a task may be given to and about whom,
 * the list's views and counts with overdue and due today on the clinic's calendar, a task
 * completed once when two people press Done together, edits and reassignments audited without
 * their words, another clinic's tasks not found, and the automations' idempotent step.
 */

const db = () => getDb();
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const blank: NewTask = { title: 'Call back', details: null, patientId: null, assigneeStaffId: null, assigneeTeam: null, dueOn: null };
const make = (w: TaskClinic, input: Partial<NewTask> = {}, ctx = w.admin) => createTask(db(), ctx, { ...blank, ...input }).then((t) => t.id);

afterEach(() => setClockForTests(undefined));

describe('creating a task', () => {
  it('gives it to a person and a team, about a patient, and audits it without its words', async () => {
    const w = await taskClinic();
    const id = await make(w, {
      title: 'Call Maria about her MRI results', details: 'She asked for the afternoon.', patientId: w.maria, assigneeStaffId: w.doc.actor.id, assigneeTeam: 'Front desk', dueOn: '2027-03-04',
    });
    expect(await taskRow(w.tenant.id, id)).toMatchObject({
      title: 'Call Maria about her MRI results', details: 'She asked for the afternoon.', patientId: w.maria, assigneeStaffId: w.doc.actor.id, assigneeTeam: 'Front desk',
      dueOn: '2027-03-04', status: 'open', doneAt: null, source: 'staff', createdByStaffId: w.admin.actor.id, sourceKey: null,
    });
    const audit = await taskAudit(w.tenant.id, id);
    expect(audit).toEqual([{
      action: 'engagement.task_created', actorKind: 'staff', actorId: w.admin.actor.id, patientId: w.maria,
      details: { source: 'staff', assigneeStaffId: w.doc.actor.id, assigneeTeam: 'Front desk', dueOn: '2027-03-04', withDetails: true },
    }]);
    expect(JSON.stringify(audit)).not.toMatch(/MRI|afternoon/);
  });

  it('refuses who cannot take tasks, a team not on the list, another clinic’s patient, and a patient for staff who may not see patients', async () => {
    const w = await taskClinic();
    const other = await taskClinic();
    const code = async (input: Partial<NewTask>, ctx = w.admin) => ((await refusal(make(w, input, ctx))) as RuleError | null)?.code;
    expect(await code({ assigneeStaffId: w.marketing.actor.id })).toBe('task-assignee-unknown');
    expect(await code({ assigneeStaffId: w.gone.actor.id })).toBe('task-assignee-unknown');
    expect(await code({ assigneeStaffId: other.doc.actor.id })).toBe('task-assignee-unknown');
    expect(await code({ assigneeTeam: 'Fulfilment' })).toBe('task-team-unknown');
    expect(await code({ patientId: other.maria })).toBe('task-patient-unknown');
    expect(await code({ patientId: w.maria }, w.noPatients)).toBe('task-patient-forbidden');
    // The same person may make one that is not about a patient, for the support team.
    expect(await code({ assigneeStaffId: w.support.actor.id, assigneeTeam: 'Billing' }, w.noPatients)).toBeUndefined();
    expect(await refusal(make(w, {}, w.marketing))).toBeInstanceOf(ForbiddenError);
    expect(await db().select({ id: tasks.id }).from(tasks).where(eq(tasks.tenantId, w.tenant.id))).toHaveLength(1);
  });
});

describe('the task list', () => {
  it('filters by whose and which tasks, counts each tab, and reads overdue and today on the clinic’s calendar', async () => {
    // 05:00 UTC on 4 March is still 3 March (21:00) in Los Angeles: the clinic's today is the 3rd.
    setClockForTests(() => new Date('2027-03-04T05:00:00Z'));
    const w = await taskClinic({ timeZone: 'America/Los_Angeles' });
    const overdue = await make(w, { title: 'Overdue', assigneeStaffId: w.admin.actor.id, dueOn: '2027-03-02' });
    const today = await make(w, { title: 'Today', assigneeTeam: 'Front desk', dueOn: '2027-03-03' });
    const tomorrow = await make(w, { title: 'Tomorrow', dueOn: '2027-03-04' });
    const undated = await make(w, { title: 'Undated', assigneeStaffId: w.doc.actor.id, assigneeTeam: 'Billing' });
    const done = await make(w, { title: 'Done', assigneeStaffId: w.admin.actor.id, dueOn: '2027-03-01' });
    await completeTask(db(), w.admin, { taskId: done });

    const ids = async (params: Record<string, string>, ctx = w.admin) => (await listTasks(db(), ctx, taskListQuery(params))).rows.map((r) => r.id);
    const all = await listTasks(db(), w.admin, taskListQuery({}));
    expect(all.today).toBe('2027-03-03');
    // Open tasks by due day, the undated last.
    expect(all.rows.map((r) => r.id)).toEqual([overdue, today, tomorrow, undated]);
    expect(all.counts).toEqual({
      views: { all: 4, mine: 1, unassigned: 1, teams: { 'Front desk': 1, Billing: 1 } },
      shows: { open: 4, overdue: 1, today: 1, done: 1 },
    });
    expect(await ids({ show: 'overdue' })).toEqual([overdue]);
    expect(await ids({ show: 'today' })).toEqual([today]);
    expect(await ids({ show: 'done' })).toEqual([done]);
    expect(await ids({ view: 'mine' })).toEqual([overdue]);
    expect(await ids({ view: 'mine', show: 'done' })).toEqual([done]);
    expect(await ids({ view: 'mine' }, w.doc)).toEqual([undated]);
    expect(await ids({ view: 'unassigned' })).toEqual([tomorrow]);
    expect(await ids({ view: 'team:Front desk' })).toEqual([today]);
    expect(await ids({ view: 'team:Billing', show: 'overdue' })).toEqual([]);
    expect((await listTasks(db(), w.admin, taskListQuery({ view: 'mine' }))).counts.shows).toEqual({ open: 1, overdue: 1, today: 0, done: 1 });
    // A bad filter is the default.
    expect(await ids({ view: 'someone', show: 'later', page: '-1' })).toEqual([overdue, today, tomorrow, undated]);

    // An hour later it is the 4th in Los Angeles too: "today" moves on, and the 3rd is overdue.
    setClockForTests(() => new Date('2027-03-04T09:00:00Z'));
    expect(await ids({ show: 'today' })).toEqual([tomorrow]);
    expect(await ids({ show: 'overdue' })).toEqual([overdue, today]);

    const row = all.rows.find((r) => r.id === undated)!;
    expect(row).toMatchObject({ title: 'Undated', assignee: { id: w.doc.actor.id }, team: 'Billing', dueOn: null, patient: null, hasPatient: false, status: 'open' });
    const doneRow = (await listTasks(db(), w.admin, taskListQuery({ show: 'done' }))).rows[0]!;
    expect(doneRow.doneBy).toEqual({ id: w.admin.actor.id, fullName: w.admin.actor.fullName });
  });

  it('keeps a tab for a team taken off the list while it has open tasks', async () => {
    const w = await taskClinic();
    await make(w, { assigneeTeam: 'Billing' });
    await db().update(commerceSettings).set({ teams: ['Front desk', 'Records'] }).where(eq(commerceSettings.tenantId, w.tenant.id));
    const list = await listTasks(db(), w.admin, taskListQuery({}));
    expect(list.teams).toEqual(['Front desk', 'Records', 'Billing']);
    expect(list.counts.views.teams).toEqual({ 'Front desk': 0, Records: 0, Billing: 1 });
  });

  it('pages 25 at a time', async () => {
    const w = await taskClinic();
    for (let i = 0; i < 27; i++) await make(w, { title: `Task ${i}`, dueOn: `2027-01-${String(i + 1).padStart(2, '0')}` });
    const first = await listTasks(db(), w.admin, taskListQuery({}));
    const second = await listTasks(db(), w.admin, taskListQuery({ page: '2' }));
    expect(first.rows).toHaveLength(25);
    expect(first.hasMore).toBe(true);
    expect(second.rows.map((r) => r.title)).toEqual(['Task 25', 'Task 26']);
    expect(second.hasMore).toBe(false);
  });

  it('names the patient only to staff who may see patients; another clinic sees nothing', async () => {
    const w = await taskClinic();
    const id = await make(w, { title: 'About Maria', patientId: w.maria, assigneeTeam: 'Front desk' });
    await make(w, { title: 'About Leo', patientId: w.leo });
    const seen = (await listTasks(db(), w.admin, taskListQuery({}))).rows.find((r) => r.id === id)!;
    expect(seen.patient).toEqual({ id: w.maria, firstName: 'Maria', lastName: 'Lopez', recordNumber: 'T-1' });
    const unseen = (await listTasks(db(), w.noPatients, taskListQuery({}))).rows.find((r) => r.id === id)!;
    expect(unseen).toMatchObject({ patient: null, hasPatient: true });
    expect((await getTaskForStaff(db(), w.noPatients, id)).task.patient).toBeNull();

    // The chart's tab: this patient's only.
    expect((await listPatientTasks(db(), w.admin, w.maria)).open.map((r) => r.title)).toEqual(['About Maria']);
    expect(await refusal(listPatientTasks(db(), w.noPatients, w.maria))).toBeInstanceOf(ForbiddenError);

    // Opening it is audited as a read of the patient's record; the list is not.
    const { task } = await getTaskForStaff(db(), w.admin, id);
    expect(task).toMatchObject({ id, title: 'About Maria', createdBy: { id: w.admin.actor.id }, details: null });
    expect((await taskAudit(w.tenant.id, id)).map((a) => a.action)).toEqual(['engagement.task_created', 'engagement.task_viewed']);

    const other = await taskClinic();
    expect((await listTasks(db(), other.admin, taskListQuery({}))).counts.views.all).toBe(0);
    expect(await refusal(getTaskForStaff(db(), other.admin, id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listPatientTasks(db(), other.admin, w.maria))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getTaskForStaff(db(), w.admin, 'not-an-id'))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listTasks(db(), w.marketing, taskListQuery({})))).toBeInstanceOf(ForbiddenError);
  });
});

describe('completing a task', () => {
  it('marks it done once when two people press Done at the same moment', async () => {
    const w = await taskClinic();
    for (let round = 0; round < 5; round++) {
      const id = await make(w, { title: `Round ${round}`, patientId: w.maria });
      const [a, b] = await Promise.all([completeTask(db(), w.admin, { taskId: id }), completeTask(db(), w.doc, { taskId: id })]);
      expect([a.changed, b.changed].sort()).toEqual([false, true]);
      const winner = a.changed ? w.admin : w.doc;
      // Both answers name who did it.
      expect(a.doneByStaffId).toBe(winner.actor.id);
      expect(b.doneByStaffId).toBe(winner.actor.id);
      expect(await taskRow(w.tenant.id, id)).toMatchObject({ status: 'done', doneByStaffId: winner.actor.id, doneAt: expect.any(Date) });
      const completed = (await taskAudit(w.tenant.id, id)).filter((e) => e.action === 'engagement.task_completed');
      expect(completed).toEqual([{ action: 'engagement.task_completed', actorKind: 'staff', actorId: winner.actor.id, patientId: w.maria, details: { dueOn: null } }]);
    }
  });

  it('reopens a done task (forgetting who did it) and completes it again', async () => {
    const w = await taskClinic();
    const id = await make(w);
    expect(await completeTask(db(), w.admin, { taskId: id })).toEqual({ changed: true, doneByStaffId: w.admin.actor.id });
    expect(await reopenTask(db(), w.doc, { taskId: id })).toEqual({ changed: true });
    expect(await taskRow(w.tenant.id, id)).toMatchObject({ status: 'open', doneAt: null, doneByStaffId: null });
    expect(await reopenTask(db(), w.doc, { taskId: id })).toEqual({ changed: false });
    expect(await completeTask(db(), w.doc, { taskId: id })).toEqual({ changed: true, doneByStaffId: w.doc.actor.id });
    const audit = await taskAudit(w.tenant.id, id);
    expect(audit.map((a) => a.action)).toEqual(['engagement.task_created', 'engagement.task_completed', 'engagement.task_reopened', 'engagement.task_completed']);
    expect(audit[2]!.details).toMatchObject({ doneByStaffId: w.admin.actor.id, doneAt: expect.any(String) });
  });
});

describe('editing and reassigning a task', () => {
  it('saves what changed and audits the fields’ names, not their words', async () => {
    const w = await taskClinic();
    const id = await make(w, { title: 'Old title', dueOn: '2027-01-01' });
    expect(await updateTask(db(), w.doc, { taskId: id, title: 'Old title', details: null, dueOn: '2027-01-01' })).toEqual({ changed: false });
    expect(await updateTask(db(), w.doc, { taskId: id, title: 'Ask about the rash', details: 'Photos in documents', dueOn: '2027-01-05' })).toEqual({ changed: true });
    expect(await taskRow(w.tenant.id, id)).toMatchObject({ title: 'Ask about the rash', details: 'Photos in documents', dueOn: '2027-01-05' });
    const audit = await taskAudit(w.tenant.id, id);
    expect(audit.map((a) => a.action)).toEqual(['engagement.task_created', 'engagement.task_updated']);
    expect(audit[1]!.details).toEqual({ changed: ['title', 'details', 'dueOn'], dueOn: { before: '2027-01-01', after: '2027-01-05' } });
    expect(JSON.stringify(audit)).not.toMatch(/rash|Photos|Old title/);
  });

  it('gives it to someone who can take tasks or a listed team; an old team stays while unchanged', async () => {
    const w = await taskClinic();
    const id = await make(w, { assigneeTeam: 'Billing' });
    await db().update(commerceSettings).set({ teams: ['Front desk'] }).where(eq(commerceSettings.tenantId, w.tenant.id));
    const code = async (input: { assigneeStaffId: string | null; assigneeTeam: string | null }) => ((await refusal(assignTask(db(), w.admin, { taskId: id, ...input }))) as RuleError | null)?.code;
    expect(await code({ assigneeStaffId: w.gone.actor.id, assigneeTeam: 'Billing' })).toBe('task-assignee-unknown');
    expect(await code({ assigneeStaffId: w.marketing.actor.id, assigneeTeam: 'Billing' })).toBe('task-assignee-unknown');
    expect(await code({ assigneeStaffId: null, assigneeTeam: 'Records' })).toBe('task-team-unknown');
    // Billing is no longer on the list, but it is this task's team: giving it a person keeps it.
    expect(await assignTask(db(), w.admin, { taskId: id, assigneeStaffId: w.support.actor.id, assigneeTeam: 'Billing' })).toEqual({ changed: true });
    expect(await assignTask(db(), w.admin, { taskId: id, assigneeStaffId: w.support.actor.id, assigneeTeam: 'Billing' })).toEqual({ changed: false });
    expect(await assignTask(db(), w.admin, { taskId: id, assigneeStaffId: null, assigneeTeam: null })).toEqual({ changed: true });
    expect((await listTasks(db(), w.admin, taskListQuery({ view: 'unassigned' }))).rows.map((r) => r.id)).toEqual([id]);
    const assigned = (await taskAudit(w.tenant.id, id)).filter((a) => a.action === 'engagement.task_assigned').map((a) => a.details);
    expect(assigned).toEqual([
      { staffId: { before: null, after: w.support.actor.id }, team: { before: 'Billing', after: 'Billing' } },
      { staffId: { before: w.support.actor.id, after: null }, team: { before: 'Billing', after: null } },
    ]);
  });

  it('answers not found to another clinic, whatever it tries, and changes nothing', async () => {
    const w = await taskClinic();
    const other = await taskClinic();
    const id = await make(w, { title: 'Mine', assigneeStaffId: w.doc.actor.id });
    const before = await taskRow(w.tenant.id, id);
    for (const attempt of [
      () => completeTask(db(), other.admin, { taskId: id }),
      () => reopenTask(db(), other.admin, { taskId: id }),
      () => updateTask(db(), other.admin, { taskId: id, title: 'Theirs', details: null, dueOn: null }),
      () => assignTask(db(), other.admin, { taskId: id, assigneeStaffId: other.doc.actor.id, assigneeTeam: null }),
      () => completeTask(db(), w.admin, { taskId: 'not-an-id' }),
    ]) {
      expect(await refusal(attempt())).toBeInstanceOf(NotFoundError);
    }
    expect(await taskRow(w.tenant.id, id)).toEqual(before);
    expect(await refusal(completeTask(db(), w.marketing, { taskId: id }))).toBeInstanceOf(ForbiddenError);
  });
});

describe('a task made by an automation', () => {
  it('is made once per source key, also by two runners at once, and audited as the system’s', async () => {
    const w = await taskClinic();
    const step = { sourceKey: 'automation-run:1:step:2', title: 'Follow up\u0007 on the visit', patientId: w.maria, assigneeTeam: 'Front desk', dueInDays: 2 };
    const first = await db().transaction((tx) => createTaskFromAutomation(tx, w.tenant.id, step));
    expect(first).toMatchObject({ created: true, dropped: [] });
    const again = await db().transaction((tx) => createTaskFromAutomation(tx, w.tenant.id, step));
    expect(again).toEqual({ id: first.id, created: false, dropped: [] });
    const row = await taskRow(w.tenant.id, first.id);
    expect(row).toMatchObject({ title: 'Follow up  on the visit', source: 'automation', sourceKey: step.sourceKey, createdByStaffId: null, assigneeTeam: 'Front desk' });
    expect(row.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await taskAudit(w.tenant.id, first.id)).toEqual([expect.objectContaining({ action: 'engagement.task_created', actorKind: 'system', patientId: w.maria })]);

    const racing = { ...step, sourceKey: 'automation-run:2:step:2' };
    const both = await Promise.all([0, 1].map(() => db().transaction((tx) => createTaskFromAutomation(tx, w.tenant.id, racing))));
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    expect(both[0]!.id).toBe(both[1]!.id);
    const made = await db().select({ id: tasks.id }).from(tasks).where(and(eq(tasks.tenantId, w.tenant.id), eq(tasks.sourceKey, racing.sourceKey)));
    expect(made).toHaveLength(1);
    const audits = await db().select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.targetId, made[0]!.id)));
    expect(audits).toHaveLength(1);

    // The same key in another clinic is another clinic's task.
    const other = await taskClinic();
    expect(await db().transaction((tx) => createTaskFromAutomation(tx, other.tenant.id, { ...step, patientId: other.maria }))).toMatchObject({ created: true });
  });

  it('leaves off an assignee the clinic no longer allows, and refuses another clinic’s patient', async () => {
    setClockForTests(() => new Date('2027-03-04T05:00:00Z'));
    const w = await taskClinic({ timeZone: 'America/Los_Angeles' });
    const result = await db().transaction((tx) => createTaskFromAutomation(tx, w.tenant.id, {
      sourceKey: 'k1', title: 'x'.repeat(300), details: 'Details', assigneeStaffId: w.gone.actor.id, assigneeTeam: 'Fulfilment', dueInDays: 0,
    }));
    expect(result).toMatchObject({ created: true, dropped: ['assigneeStaffId', 'assigneeTeam'] });
    const row = await taskRow(w.tenant.id, result.id);
    expect(row).toMatchObject({ assigneeStaffId: null, assigneeTeam: null, dueOn: '2027-03-03', details: 'Details' });
    expect(row.title).toHaveLength(200);
    const other = await taskClinic();
    expect(await refusal(db().transaction((tx) => createTaskFromAutomation(tx, w.tenant.id, { sourceKey: 'k2', title: 'x', patientId: other.maria })))).toBeInstanceOf(NotFoundError);
    expect(await refusal(db().transaction((tx) => createTaskFromAutomation(tx, w.tenant.id, { sourceKey: 'k3', title: '  ' })))).toBeInstanceOf(Error);
    expect(await refusal(db().transaction((tx) => createTaskFromAutomation(tx, w.tenant.id, { sourceKey: 'k4', title: 'x', dueOn: '2027-02-30' })))).toBeInstanceOf(Error);
  });
});
