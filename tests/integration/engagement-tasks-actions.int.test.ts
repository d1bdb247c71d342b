import { randomUUID } from 'node:crypto';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { StaffContext } from '@/lib/access/context';
import { createTask } from '@/lib/engagement/tasks';
import { getDb } from '@/db/client';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { taskClinic, taskRow, type TaskClinic } from './engagement-tasks-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The task pages and actions as the EMR uses them (issue 18 point 5): each page renders for staff
 * with tasks.manage (and is forbidden without it, not found for another clinic's task or
 * patient), and the actions answer in words: a new task opens its page, a refusal sits beside its
 * field, a second Done says it was already done.
 */

const actions = await import('@/app/t/[tenant]/emr/(app)/tasks/actions');
const { default: listPage } = await import('@/app/t/[tenant]/emr/(app)/tasks/page');
const { default: newPage } = await import('@/app/t/[tenant]/emr/(app)/tasks/new/page');
const { default: detailPage } = await import('@/app/t/[tenant]/emr/(app)/tasks/[id]/page');
const { default: chartTab } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/tasks/page');

const db = () => getDb();

async function as(w: TaskClinic, ctx: StaffContext) {
  const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: ctx.actor.id });
  return { host: hostFor(w.tenant.slug), cookies };
}
const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const props = (params: Record<string, string> = {}, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;
type PageFn = (p: never) => Promise<React.ReactElement>;
async function rendered(req: { host: string; cookies: Record<string, string> }, fn: PageFn, p = props()): Promise<string> {
  const html = returned(await invokeAction(req, async () => renderToStaticMarkup(await fn(p)))) as unknown as string;
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}
const newTask = { title: '', details: '', patientId: '', assigneeStaffId: '', assigneeTeam: '', dueOn: '' };

describe('the task pages', () => {
  it('render for staff with tasks access: tabs with counts, overdue in words, a Done button per row; the chart’s tab and the task', async () => {
    const w = await taskClinic();
    const id = (await createTask(db(), w.admin, { title: 'Call about the refill', details: 'Before noon', patientId: w.maria, assigneeStaffId: w.doc.actor.id, assigneeTeam: 'Front desk', dueOn: '2020-01-02' })).id;
    await createTask(db(), w.admin, { title: 'Order gloves', details: null, patientId: null, assigneeStaffId: null, assigneeTeam: null, dueOn: null });
    const doc = await as(w, w.doc);

    const list = await rendered(doc, listPage, props({}, {}));
    for (const text of ['All , open: 2', 'Mine , open: 1', 'Unassigned , open: 1', 'Front desk , open: 1', 'Billing , open: 0', 'Overdue 1', 'Call about the refill', 'Lopez, Maria', 'Overdue · Thu, Jan 2, 2020', 'Done : Call about the refill', 'Order gloves', 'No due date', 'New task']) {
      expect(list).toContain(text);
    }
    expect(await rendered(doc, listPage, props({}, { view: 'mine', show: 'done' }))).toContain('Nothing done here yet.');

    const detail = await rendered(doc, detailPage, props({ id }, { created: '1' }));
    for (const text of ['Task created.', 'Call about the refill', 'Open', 'Maria Lopez', 'record T-1', `${w.doc.actor.fullName} · Front desk`, 'Before noon', 'Edit', 'Save changes', 'Save assignment', `by ${w.admin.actor.fullName}`]) {
      expect(detail).toContain(text);
    }
    const tab = await rendered(doc, chartTab, props({ id: w.maria }));
    expect(tab).toContain('Call about the refill');
    expect(tab).toContain('New task about this patient');
    expect(tab).not.toContain('Order gloves');

    const fresh = await rendered(doc, newPage, props({}, { patient: w.maria }));
    expect(fresh).toContain('About Maria Lopez (T-1)');
    const search = await rendered(doc, newPage, props({}, { q: 'Leo' }));
    expect(search).toContain('Lopez, Leo');
    expect(search).toContain('Choose Leo Lopez');
  });

  it('are forbidden without tasks access, and not found for another clinic’s task or patient', async () => {
    const w = await taskClinic();
    const id = (await createTask(db(), w.admin, { title: 'Mine', details: null, patientId: w.maria, assigneeStaffId: null, assigneeTeam: null, dueOn: null })).id;
    const support = await as(w, w.support);
    const marketing = await as(w, w.marketing);
    expect(await rendered(support, listPage)).toContain('Mine');
    for (const [page, p] of [[listPage, props()], [newPage, props()], [detailPage, props({ id })]] as const) {
      expect(await invokeAction(marketing, page, p)).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    }
    const other = await taskClinic();
    const otherAdmin = await as(other, other.admin);
    expect(await invokeAction(otherAdmin, detailPage, props({ id }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherAdmin, detailPage, props({ id: 'nope' }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherAdmin, chartTab, props({ id: w.maria }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherAdmin, newPage, props({}, { patient: w.maria }))).toMatchObject({ kind: 'not-found' });
    // Without patients.view the task says it is about a patient, not whom.
    const tasksOnly = await as(w, w.noPatients);
    const seen = await rendered(tasksOnly, detailPage, props({ id }));
    expect(seen).toContain('A patient (seeing who needs permission to view patients)');
    expect(seen).not.toContain('Maria');
  });
});

describe('the task actions', () => {
  it('create a task and open its page; refusals sit beside their field', async () => {
    const w = await taskClinic();
    const admin = await as(w, w.admin);
    expect(returned(await invokeAction(admin, actions.createTaskAction, {}, formData({ ...newTask, title: '   ' }))))
      .toMatchObject({ ok: false, fieldErrors: { title: 'Enter what needs doing.' } });
    expect(returned(await invokeAction(admin, actions.createTaskAction, {}, formData({ ...newTask, title: 'x', assigneeTeam: 'Fulfilment', dueOn: '2027-02-30' }))))
      .toMatchObject({ ok: false, fieldErrors: { dueOn: 'Enter the due date as a date, like 2027-03-04.' } });
    expect(returned(await invokeAction(admin, actions.createTaskAction, {}, formData({ ...newTask, title: 'Keep me', assigneeTeam: 'Fulfilment' }))))
      .toMatchObject({ ok: false, message: 'Choose a team from the list.', fieldErrors: { assigneeTeam: expect.stringMatching(/clinic’s teams/) }, values: { title: 'Keep me' } });
    expect(returned(await invokeAction(admin, actions.createTaskAction, {}, formData({ ...newTask, title: 'x', evil: 'y' }))))
      .toMatchObject({ ok: false, fieldErrors: { _form: expect.stringMatching(/field it does not have/) } });

    const made = await invokeAction(admin, actions.createTaskAction, {}, formData({ ...newTask, title: 'Send the forms', patientId: w.leo, assigneeStaffId: w.support.actor.id, assigneeTeam: 'Billing', dueOn: '2027-05-01' }));
    expect(made.kind).toBe('redirect');
    const id = /\/emr\/tasks\/([0-9a-f-]{36})\?created=1$/.exec((made as { location: string }).location)?.[1];
    expect(await taskRow(w.tenant.id, id!)).toMatchObject({ title: 'Send the forms', patientId: w.leo, assigneeStaffId: w.support.actor.id, assigneeTeam: 'Billing', dueOn: '2027-05-01', createdByStaffId: w.admin.actor.id });
  });

  it('mark done once, reopen, edit and reassign, in words', async () => {
    const w = await taskClinic();
    const id = (await createTask(db(), w.admin, { title: 'Check the fax', details: null, patientId: null, assigneeStaffId: null, assigneeTeam: null, dueOn: null })).id;
    const admin = await as(w, w.admin);
    const doc = await as(w, w.doc);
    expect(returned(await invokeAction(admin, actions.completeTaskAction, {}, formData({ taskId: id })))).toEqual({ ok: true, message: 'Marked done.' });
    expect(returned(await invokeAction(admin, actions.completeTaskAction, {}, formData({ taskId: id })))).toEqual({ ok: true, message: 'You already marked this task done.' });
    expect(returned(await invokeAction(doc, actions.completeTaskAction, {}, formData({ taskId: id })))).toEqual({ ok: true, message: 'Someone already marked this task done.' });
    expect(returned(await invokeAction(doc, actions.reopenTaskAction, {}, formData({ taskId: id })))).toEqual({ ok: true, message: 'Reopened: the task is open again.' });
    expect(returned(await invokeAction(doc, actions.updateTaskAction, {}, formData({ taskId: id, title: 'Check the fax machine', details: '', dueOn: '' })))).toEqual({ ok: true, message: 'Saved.' });
    expect(returned(await invokeAction(doc, actions.assignTaskAction, {}, formData({ taskId: id, assigneeStaffId: w.gone.actor.id, assigneeTeam: '' }))))
      .toMatchObject({ ok: false, fieldErrors: { assigneeStaffId: 'Choose someone at this clinic who works on tasks.' } });
    expect(returned(await invokeAction(doc, actions.assignTaskAction, {}, formData({ taskId: id, assigneeStaffId: w.doc.actor.id, assigneeTeam: 'Front desk' })))).toEqual({ ok: true, message: 'Assignment saved.' });
    expect(returned(await invokeAction(doc, actions.completeTaskAction, {}, formData({ taskId: randomUUID() })))).toEqual({ ok: false, message: 'This task no longer exists. Reload the page.' });
    expect(await taskRow(w.tenant.id, id)).toMatchObject({ title: 'Check the fax machine', status: 'open', assigneeStaffId: w.doc.actor.id, assigneeTeam: 'Front desk' });

    const marketing = await as(w, w.marketing);
    expect(await invokeAction(marketing, actions.completeTaskAction, {}, formData({ taskId: id }))).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    const other = await taskClinic();
    expect(returned(await invokeAction(await as(other, other.admin), actions.completeTaskAction, {}, formData({ taskId: id })))).toEqual({ ok: false, message: 'This task no longer exists. Reload the page.' });
    expect((await taskRow(w.tenant.id, id)).status).toBe('open');
  });
});
