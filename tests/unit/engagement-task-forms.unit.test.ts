import { describe, expect, it } from 'vitest';
import {
  assignTaskSchema, createTaskSchema, describeDue, parseTaskView, taskListHref, taskListQuery, taskStatusSchema, updateTaskSchema,
} from '@/lib/engagement/task-forms';

/**
 * The task forms and the list's search params (issue 18 point 5): what the browser and the server
 * both parse, and how a due day reads against the clinic's today.
 */

const ID = '0b6f2a1e-6d1c-4c1a-9a55-2f1f7f2f4c11';
const fieldErrors = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((result.error?.issues ?? []).map((i) => [String(i.path[0] ?? '_form'), i.message]));

describe('the list’s search params', () => {
  it('reads views, shows and pages, and takes a bad value as the default', () => {
    expect(taskListQuery({})).toEqual({ view: { kind: 'all' }, show: 'open', page: 1 });
    expect(taskListQuery({ view: 'mine', show: 'overdue', page: '3' })).toEqual({ view: { kind: 'mine' }, show: 'overdue', page: 3 });
    expect(taskListQuery({ view: ['team: Front desk ', 'mine'], show: 'today' })).toEqual({ view: { kind: 'team', name: 'Front desk' }, show: 'today', page: 1 });
    expect(taskListQuery({ view: 'team:', show: 'later', page: '0' })).toEqual({ view: { kind: 'all' }, show: 'open', page: 1 });
    expect(parseTaskView(`team:${'x'.repeat(61)}`)).toEqual({ kind: 'all' });
    expect(parseTaskView('team:a\u0000b')).toEqual({ kind: 'all' });
    expect(taskListQuery({ page: '999999' }).page).toBe(1);
  });

  it('writes the list’s address with only what differs from the defaults, back to page 1 on a change', () => {
    const q = taskListQuery({ view: 'team:Front desk', show: 'done', page: '4' });
    expect(taskListHref(q)).toBe('/emr/tasks?view=team%3AFront+desk&show=done');
    expect(taskListHref(q, { page: 5 })).toBe('/emr/tasks?view=team%3AFront+desk&show=done&page=5');
    expect(taskListHref(q, { view: { kind: 'all' }, show: 'open' })).toBe('/emr/tasks');
    expect(taskListQuery(Object.fromEntries(new URLSearchParams(taskListHref(q, { page: 2 }).split('?')[1])))).toEqual({ ...q, page: 2 });
  });
});

describe('a due day against the clinic’s today', () => {
  const today = '2027-03-03';
  it('says today, tomorrow, overdue or the day; a done task is never overdue', () => {
    expect(describeDue('2027-03-03', today)).toEqual({ text: 'Today', overdue: false, dueToday: true });
    expect(describeDue('2027-03-04', today)).toEqual({ text: 'Tomorrow', overdue: false, dueToday: false });
    expect(describeDue('2027-03-02', today)).toEqual({ text: 'Overdue · Tue, Mar 2', overdue: true, dueToday: false });
    expect(describeDue('2026-12-30', today)).toEqual({ text: 'Overdue · Wed, Dec 30, 2026', overdue: true, dueToday: false });
    expect(describeDue('2027-03-10', today).text).toBe('Wed, Mar 10');
    expect(describeDue('2027-03-02', today, false)).toEqual({ text: 'Tue, Mar 2', overdue: false, dueToday: false });
    expect(describeDue(null, today)).toEqual({ text: 'No due date', overdue: false, dueToday: false });
    // The last day of a year: tomorrow is in the next one.
    expect(describeDue('2028-01-01', '2027-12-31').text).toBe('Tomorrow');
  });
});

describe('the task forms', () => {
  it('take a new task as a form posts it: blanks are nothing, text is trimmed', () => {
    const parsed = createTaskSchema.parse({ title: '  Call back  ', details: ' ', patientId: '', assigneeStaffId: ID, assigneeTeam: ' Front desk ', dueOn: '2027-03-04' });
    expect(parsed).toEqual({ title: 'Call back', details: null, patientId: null, assigneeStaffId: ID, assigneeTeam: 'Front desk', dueOn: '2027-03-04' });
  });

  it('refuse in words: an empty or long title, long details, a bad day, a bad id, a control character, a field the form does not have', () => {
    const base = { title: 'x', details: '', patientId: '', assigneeStaffId: '', assigneeTeam: '', dueOn: '' };
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, title: ' ' }))).toEqual({ title: 'Enter what needs doing.' });
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, title: 'x'.repeat(201) })).title).toMatch(/200 characters/);
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, details: 'x'.repeat(4001) })).details).toMatch(/4000 characters/);
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, dueOn: '2027-02-29' })).dueOn).toMatch(/as a date/);
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, dueOn: '1999-12-31' })).dueOn).toBe('Choose a due date in this century.');
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, patientId: 'nope' }))).toEqual({ patientId: 'Choose the patient again.' });
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, assigneeStaffId: 'nope' }))).toEqual({ assigneeStaffId: 'Choose a staff member from the list.' });
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, title: 'a\u0000b' })).title).toMatch(/control characters/);
    expect(fieldErrors(createTaskSchema.safeParse({ ...base, extra: '1' }))._form).toMatch(/field it does not have/);
    expect(fieldErrors(createTaskSchema.safeParse({}))).toEqual({ title: 'Enter what needs doing.' });
  });

  it('name the task in every other form', () => {
    expect(taskStatusSchema.parse({ taskId: ID })).toEqual({ taskId: ID });
    expect(fieldErrors(taskStatusSchema.safeParse({ taskId: 'x' }))).toEqual({ taskId: 'This task no longer exists. Reload the page.' });
    expect(updateTaskSchema.parse({ taskId: ID, title: 'T', details: '', dueOn: '' })).toEqual({ taskId: ID, title: 'T', details: null, dueOn: null });
    expect(assignTaskSchema.parse({ taskId: ID, assigneeStaffId: '', assigneeTeam: '' })).toEqual({ taskId: ID, assigneeStaffId: null, assigneeTeam: null });
  });
});
