import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { automationRuns, automations, domainEvents, messageTemplates } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { ensureBuiltinAutomations } from '@/lib/engagement/automations/builtins';
import { createAutomation } from '@/lib/engagement/automations/automations';
import type { BuilderState } from '@/lib/engagement/automations/builder-form';
import { recordEvent } from '@/lib/engagement/events';
import { ensureBuiltinTemplates } from '@/lib/engagement/templates/builtins';
import { webhookSecret } from '@/lib/engagement/automations/webhooks';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { taskClinic, type TaskClinic } from './engagement-tasks-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The automation builder's actions and pages as the CRM uses them (issue 18 point 2): only staff
 * with automations.manage, the clinic always the signed-in one's; a save the clinic's rules refuse
 * comes back with each problem on its step and the draft as posted, a stale save is refused, the
 * buttons that work without JavaScript reshape the draft, status changes say what they did, and a
 * dry run only ever reads the clinic's own events.
 */

const actions = await import('@/app/t/[tenant]/crm/(app)/automations/actions');
const { default: listPage } = await import('@/app/t/[tenant]/crm/(app)/automations/page');
const { default: newPage } = await import('@/app/t/[tenant]/crm/(app)/automations/new/page');
const { default: detailPage } = await import('@/app/t/[tenant]/crm/(app)/automations/[id]/page');
const { default: chartTab } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/automations/page');

const db = () => getDb();

async function clinic() {
  const w = await taskClinic();
  const templates = await ensureBuiltinTemplates(db(), w.tenant.id);
  return { ...w, templates };
}
type Clinic = TaskClinic & { templates: Awaited<ReturnType<typeof ensureBuiltinTemplates>> };

async function as(w: Clinic, ctx: StaffContext) {
  const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: ctx.actor.id });
  return { host: hostFor(w.tenant.slug), cookies, path: '/crm/automations' };
}
const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 800)).toBe('returned');
  return (outcome as { value: BuilderState }).value;
};
const props = (params: Record<string, string> = {}, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;
type PageFn = (p: never) => Promise<React.ReactElement>;
async function html(req: { host: string; cookies: Record<string, string> }, fn: PageFn, p = props()): Promise<string> {
  const outcome = (await invokeAction(req, async () => renderToStaticMarkup(await fn(p)))) as { kind: string; value?: string };
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('returned');
  return outcome.value!;
}
async function rendered(req: { host: string; cookies: Record<string, string> }, fn: PageFn, p = props()): Promise<string> {
  return (await html(req, fn, p)).replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/\s+/g, ' ');
}

/** "form submitted → wait 1 day → email", as the builder posts it. */
function thankYou(w: Clinic, extra: Record<string, string | string[]> = {}) {
  return {
    intent: 'save', automationId: '', expectedVersion: '', name: 'Thank you for the form', description: '', trigger: 'form.submitted', newStepKind: 'wait', newFilterKind: 'tag',
    'steps.0.kind': 'wait', 'steps.0.duration.amount': '1', 'steps.0.duration.unit': 'days',
    'steps.1.kind': 'send', 'steps.1.channel': 'email', 'steps.1.templateId': w.templates['form-due-reminder-email'],
    ...extra,
  };
}

async function automationsOf(tenantId: string) {
  return db().select().from(automations).where(eq(automations.tenantId, tenantId));
}

async function event(tenantId: string, patientId: string, at: Date, name: 'patient.created' | 'form.submitted' = 'form.submitted') {
  await db().transaction((tx) => (name === 'patient.created'
    ? recordEvent(tx, tenantId, { name, patientId, subject: {}, actor: { kind: 'system' }, at })
    : recordEvent(tx, tenantId, { name, patientId, subject: { assignmentId: randomUUID(), templateId: randomUUID(), responseId: randomUUID() }, actor: { kind: 'system' }, at })));
}

describe('saving from the builder', () => {
  it('creates the automation in the signed-in clinic as a draft and opens its page; the post cannot name another clinic', async () => {
    const w = await clinic();
    const other = await clinic();
    const made = await invokeAction(await as(w, w.admin), actions.automationBuilderAction, {}, formData({ ...thankYou(w), tenantId: other.tenant.id }));
    expect(made.kind).toBe('redirect');
    const id = /\/crm\/automations\/([0-9a-f-]{36})\?done=created$/.exec((made as { location: string }).location)?.[1];
    const [row] = await automationsOf(w.tenant.id);
    expect(row).toMatchObject({ id, name: 'Thank you for the form', trigger: 'form.submitted', status: 'draft', version: 1, createdByStaffId: w.admin.actor.id });
    expect(row!.steps).toEqual([{ kind: 'wait', duration: { amount: 1, unit: 'days' } }, { kind: 'send', channel: 'email', templateId: w.templates['form-due-reminder-email'] }]);
    expect(await automationsOf(other.tenant.id)).toEqual([]);
  });

  it('is refused without automations.manage, and another clinic’s automation is not found', async () => {
    const w = await clinic();
    const refused = await invokeAction(await as(w, w.marketing), actions.automationBuilderAction, {}, formData(thankYou(w)));
    expect(refused).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    if (refused.kind === 'redirect') expect(refused.location).not.toMatch(/\/crm\/automations\//);
    const saved = await createAutomation(db(), w.admin, { name: 'Mine', trigger: 'patient.created', filter: [], steps: [{ kind: 'tag', op: 'add', tag: 'new' }] });
    const other = await clinic();
    const answer = returned(await invokeAction(await as(other, other.admin), actions.automationBuilderAction, {}, formData(thankYou(other, { automationId: saved.id, expectedVersion: '1' }))));
    expect(answer).toMatchObject({ ok: false, message: 'This automation no longer exists. Reload the page to see the current list.' });
    const [row] = await automationsOf(w.tenant.id);
    expect(row).toMatchObject({ name: 'Mine', version: 1 });
    expect(await automationsOf(other.tenant.id)).toEqual([]);
  });

  it('puts the clinic’s rules’ problems beside their step and gives the draft back as posted, writing nothing', async () => {
    const w = await clinic();
    const other = await clinic();
    const admin = await as(w, w.admin);
    const post = thankYou(w, {
      'steps.1.templateId': w.templates['form-due-reminder-sms'],
      'steps.2.kind': 'task', 'steps.2.title': '  Call back  ', 'steps.2.assigneeTeam': 'Nobody here', 'steps.2.assigneeStaffId': '', 'steps.2.details': '', 'steps.2.dueInDays': '',
      'steps.3.kind': 'send', 'steps.3.channel': 'email', 'steps.3.templateId': other.templates['form-due-reminder-email'],
    });
    const answer = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(post)));
    expect(answer.ok).toBe(false);
    expect(answer.message).toBe('The automation was not saved: fix the 3 problems marked below.');
    expect(answer.problems).toEqual({
      general: [], filter: {},
      steps: {
        1: ['Step 2: “Form due reminder (SMS)” is a text message template.'],
        2: ['Step 3: choose one of the clinic’s teams (CRM → Shop settings).'],
        3: ['Step 4: choose one of the clinic’s templates.'],
      },
    });
    expect(answer.draft!.steps[2]).toEqual({ kind: 'task', title: '  Call back  ', details: '', assigneeStaffId: '', assigneeTeam: 'Nobody here', dueInDays: '' });
    expect(await automationsOf(w.tenant.id)).toEqual([]);

    // What the schema refuses is named by the field's path, in words.
    const invalid = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { name: ' ', 'steps.0.duration.amount': 'one' }))));
    expect(invalid).toMatchObject({ ok: false, fieldErrors: { name: 'Give the automation a name.', 'steps.0.duration.amount': 'Enter a whole number.' } });
    expect(invalid.draft!.steps[0]!.duration).toEqual({ amount: 'one', unit: 'days' });
  });

  it('saves an edit against the version it was opened at, and refuses a stale one', async () => {
    const w = await clinic();
    const admin = await as(w, w.admin);
    const { id } = await createAutomation(db(), w.admin, { name: 'Thank you', trigger: 'form.submitted', filter: [], steps: [{ kind: 'wait', duration: { amount: 1, unit: 'days' } }] });
    const first = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { automationId: id, expectedVersion: '1', name: 'Thanks, edited' }))));
    expect(first).toMatchObject({ ok: true, expectedVersion: 2, message: expect.stringMatching(/^Saved as version 2\. .*runs already under way finish with the version they started with/) });
    const stale = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { automationId: id, expectedVersion: '1', name: 'Lost edit' }))));
    expect(stale).toMatchObject({ ok: false, expectedVersion: 1, message: expect.stringMatching(/^Someone saved this automation after you opened it/) });
    expect(stale.draft!.name).toBe('Lost edit');
    const unversioned = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { automationId: id, expectedVersion: 'x' }))));
    expect(unversioned).toMatchObject({ ok: false, message: expect.stringMatching(/^Reload the page/) });
    const [row] = await automationsOf(w.tenant.id);
    expect(row).toMatchObject({ name: 'Thanks, edited', version: 2 });
  });

  it('reshapes the draft without JavaScript: add, move and remove steps, add filter and check conditions', async () => {
    const w = await clinic();
    const admin = await as(w, w.admin);
    const added = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { intent: 'add-step', newStepKind: 'check' }))));
    expect(added).toMatchObject({ ok: true, message: 'Step 3 added.' });
    expect(added.draft!.steps.map((s) => s.kind)).toEqual(['wait', 'send', 'check']);
    const moved = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { intent: 'up-step:1', 'steps.1.templateId': 'kept as typed' }))));
    expect(moved.draft!.steps).toEqual([{ kind: 'send', channel: 'email', templateId: 'kept as typed' }, { kind: 'wait', duration: { amount: '1', unit: 'days' } }]);
    const filtered = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { intent: 'add-filter', newFilterKind: 'event:templateId' }))));
    expect(filtered.draft!.filter).toEqual([{ kind: 'event', key: 'templateId', op: 'in', values: [] }]);
    const gone = returned(await invokeAction(admin, actions.automationBuilderAction, {}, formData(thankYou(w, { intent: 'remove-step:7' }))));
    expect(gone).toMatchObject({ ok: false, message: expect.stringMatching(/no longer in the form/) });
    expect(await automationsOf(w.tenant.id)).toEqual([]);
  });
});

describe('switching on, pausing, back to draft', () => {
  it('says what each did, refuses a draft from on, and refuses to switch on what the clinic’s rules now refuse', async () => {
    const w = await clinic();
    const admin = await as(w, w.admin);
    const { id } = await createAutomation(db(), w.admin, { name: 'Thank you', trigger: 'form.submitted', filter: [], steps: [{ kind: 'send', channel: 'email', templateId: w.templates['form-due-reminder-email'] }] });
    const status = (s: string) => invokeAction(admin, actions.automationStatusAction, {}, formData({ automationId: id, status: s })).then(returned);
    expect(await status('active')).toEqual({ ok: true, message: 'Switched on: it acts on events from now on (not on earlier ones).' });
    expect((await automationsOf(w.tenant.id))[0]).toMatchObject({ status: 'active', activeSince: expect.any(Date) });
    expect(await status('draft')).toEqual({ ok: false, message: 'Pause the automation before you turn it back into a draft.' });
    expect(await status('paused')).toMatchObject({ ok: true, message: expect.stringMatching(/^Paused: it starts no new runs.*Runs already under way carry on/) });
    expect(await status('draft')).toMatchObject({ ok: true, message: expect.stringMatching(/^Back to draft/) });
    await db().update(messageTemplates).set({ archivedAt: new Date() }).where(and(eq(messageTemplates.tenantId, w.tenant.id), eq(messageTemplates.id, w.templates['form-due-reminder-email'])));
    expect(await status('active')).toEqual({ ok: false, message: 'It cannot be switched on yet. Step 1: choose one of the clinic’s templates. Fix the automation, save it, then switch it on.' });
    expect(await status('on')).toMatchObject({ ok: false, fieldErrors: { status: 'Choose switch on, pause or back to draft.' } });
    expect((await automationsOf(w.tenant.id))[0]).toMatchObject({ status: 'draft' });

    const other = await clinic();
    expect(returned(await invokeAction(await as(other, other.admin), actions.automationStatusAction, {}, formData({ automationId: id, status: 'active' }))))
      .toEqual({ ok: false, message: 'This automation no longer exists. Reload the page to see the current list.' });
    expect(await invokeAction(await as(w, w.marketing), actions.automationStatusAction, {}, formData({ automationId: id, status: 'active' }))).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    expect((await automationsOf(w.tenant.id))[0]).toMatchObject({ status: 'draft' });
  });
});

describe('the dry run', () => {
  it('tries the form’s draft (saved or not) on this clinic’s last events only, in the clinic’s zone, and writes nothing', async () => {
    const w = await clinic();
    const other = await clinic();
    await event(w.tenant.id, w.maria, new Date('2030-03-02T15:00:00Z'));
    await event(w.tenant.id, w.leo, new Date('2030-03-01T15:00:00Z'), 'patient.created');
    await event(other.tenant.id, other.maria, new Date('2030-03-02T16:00:00Z'));
    const before = await db().select().from(automationRuns).where(eq(automationRuns.tenantId, w.tenant.id));
    const answer = returned(await invokeAction(await as(w, w.admin), actions.automationBuilderAction, {}, formData(thankYou(w, {
      intent: 'dry-run', name: '', 'filter.0.kind': 'age', 'filter.0.op': 'at_least', 'filter.0.years': '18',
    }))));
    expect(answer.ok).toBe(true);
    expect(answer.message).toBe('Tried on the last event (times in America/Los_Angeles). Nothing was sent or changed.');
    expect(answer.dryRun).toEqual({
      trigger: 'A form is submitted',
      events: [{
        id: expect.any(String), event: 'A form is submitted', when: 'Sat, Mar 2, 2030, 7:00 AM', patient: 'Maria Lopez (T-1)', matched: true, filteredOut: null,
        steps: [
          { index: 0, description: 'Wait 1 day', outcome: 'wait', text: 'Would wait until Sun, Mar 3, 2030, 7:00 AM.', when: 'Sun, Mar 3, 2030, 7:00 AM' },
          { index: 1, description: 'Send an email (“Form due reminder (email)”)', outcome: expect.stringMatching(/done|skip/), text: expect.any(String), when: 'Sun, Mar 3, 2030, 7:00 AM' },
        ],
      }],
    });
    const [otherEvent] = await db().select({ id: domainEvents.id }).from(domainEvents).where(eq(domainEvents.tenantId, other.tenant.id));
    expect(JSON.stringify(answer)).not.toContain(otherEvent!.id);
    // Leo is 13: the filter leaves his event out, in words.
    await event(w.tenant.id, w.leo, new Date('2030-03-03T15:00:00Z'));
    const filtered = returned(await invokeAction(await as(w, w.admin), actions.automationBuilderAction, {}, formData(thankYou(w, {
      intent: 'dry-run', 'filter.0.kind': 'age', 'filter.0.op': 'at_least', 'filter.0.years': '18',
    }))));
    expect(filtered.dryRun!.events.map((e) => [e.patient, e.matched, e.filteredOut])).toEqual([['Leo Lopez (T-2)', false, 'Not the patient is at least 18.'], ['Maria Lopez (T-1)', true, null]]);
    expect(await automationsOf(w.tenant.id)).toEqual([]);
    expect(await db().select().from(automationRuns).where(eq(automationRuns.tenantId, w.tenant.id))).toEqual(before);

    const incomplete = returned(await invokeAction(await as(w, w.admin), actions.automationBuilderAction, {}, formData({ ...thankYou(w, { intent: 'dry-run' }), 'steps.1.templateId': '' })));
    expect(incomplete).toMatchObject({ ok: false, message: 'Fix the marked fields to try the automation.', fieldErrors: { 'steps.1.templateId': 'Choose a template.' } });
    expect(incomplete.dryRun).toBeUndefined();
  });
});

describe('the pages', () => {
  it('list, build and show an automation for staff with automations.manage, with its runs; the chart shows a patient’s runs', async () => {
    const w = await clinic();
    await db().transaction((tx) => ensureBuiltinAutomations(tx, w.tenant.id));
    const admin = await as(w, w.admin);
    const list = await rendered(admin, listPage);
    for (const text of ['Automations', 'New automation', 'Visit reminder, 24 hours before', 'Built in', 'A visit is booked or moved', 'On', 'Failed payment notice', 'A subscription payment fails']) {
      expect(list).toContain(text);
    }
    const [reminder] = await db().select({ id: automations.id }).from(automations).where(and(eq(automations.tenantId, w.tenant.id), eq(automations.builtinKey, 'visit-reminder-24h')));
    const builtIn = await rendered(admin, detailPage, props({ id: reminder!.id }));
    for (const text of [
      'Visit reminder, 24 hours before', 'Built in', 'Step 1: Wait until', 'the visit starts', 'stop here (say nothing late)', 'Step 2: Check conditions',
      'Condition 1: The visit’s status now', 'Remove condition 1 of step 2', 'Add condition to step 2', 'Step 3: Send an email', 'Appointment reminder, 24 hours before (email)',
      'Step 4: Send a text message', 'No runs yet',
    ]) expect(builtIn).toContain(text);
    expect(builtIn).not.toContain('Webhook signing secret');
    // Without JavaScript the form is what posts the draft: every field carries its value in the page.
    const form = await html(admin, detailPage, props({ id: reminder!.id }));
    expect(form).toMatch(/<input[^>]*name="steps\.0\.offset\.amount"[^>]*value="24"|<input[^>]*value="24"[^>]*name="steps\.0\.offset\.amount"/);
    expect(form).toMatch(/<select[^>]*name="steps\.0\.offset\.unit"[^>]*>(?:(?!<\/select>).)*<option value="hours" selected=""/s);
    expect(form).toMatch(/<input [^>]*type="checkbox"[^>]*name="steps\.1\.conditions\.0\.values" checked="" value="booked"/);
    expect(form).toContain('<input type="hidden" name="steps.2.channel" value="email"/>');
    expect(form).toContain('<input type="hidden" name="expectedVersion" value="1"/>');
    const fresh = await rendered(admin, newPage);
    for (const text of ['New automation', 'Trigger', 'A form is submitted', 'No steps yet', 'Add step', 'Save automation', 'Try it on the last 20 events']) expect(fresh).toContain(text);

    const { id } = await createAutomation(db(), w.admin, {
      name: 'Tag and call', trigger: 'patient.created', filter: [], steps: [{ kind: 'tag', op: 'add', tag: 'new' }, { kind: 'webhook', url: 'https://hooks.example.test/in' }],
    });
    await db().update(automations).set({ status: 'active', activeSince: new Date('2020-01-01T00:00:00Z') }).where(and(eq(automations.tenantId, w.tenant.id), eq(automations.id, id)));
    await event(w.tenant.id, w.maria, new Date('2030-03-02T15:00:00Z'), 'patient.created');
    const { fanOutEvents, runDueSteps } = await import('@/lib/engagement/automations/runner');
    await fanOutEvents(db(), new Date('2030-03-02T15:00:00Z'));
    await runDueSteps(db(), new Date('2030-03-02T15:00:00Z'));

    const page = await rendered(admin, detailPage, props({ id }, { done: 'created' }));
    for (const text of [
      'Automation saved as a draft.', 'Tag and call', 'A patient is added', 'On: every new event', 'Pause', 'Step 1: Patient tag', 'Step 2: Call an outside address',
      'Move step 1 down', 'Remove step 2', 'Webhook signing secret', 'Carebridge-Signature: t=…,v1=…', 'HMAC-SHA256(secret, "t.body")', '1 run, newest first',
      'Maria Lopez (T-1)', 'Completed', 'Step 1 (Done, Sat, Mar 2, 2030, 7:00 AM) : Tagged “new”.', 'Call to hooks.example.test queued.',
    ]) expect(page).toContain(text);
    expect(await html(admin, detailPage, props({ id }))).toContain(`value="${webhookSecret(w.tenant.id)}"`);

    const tab = await rendered(admin, chartTab, props({ id: w.maria }));
    for (const text of ['Automations', 'Tag and call', 'A patient is added', 'Completed', 'Tagged “new”.']) expect(tab).toContain(text);
    expect(tab).not.toContain('Leo');
    expect(await rendered(admin, chartTab, props({ id: w.leo }))).toContain('No automation has run for this patient yet.');
  });

  it('are forbidden without automations.manage; another clinic’s automation or patient is not found', async () => {
    const w = await clinic();
    const { id } = await createAutomation(db(), w.admin, { name: 'Mine', trigger: 'patient.created', filter: [], steps: [{ kind: 'tag', op: 'add', tag: 'new' }] });
    const marketing = await as(w, w.marketing);
    for (const [page, p] of [[listPage, props()], [newPage, props()], [detailPage, props({ id })]] as const) {
      expect(await invokeAction(marketing, page, p)).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    }
    const other = await clinic();
    const otherAdmin = await as(other, other.admin);
    expect(await invokeAction(otherAdmin, detailPage, props({ id }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherAdmin, detailPage, props({ id: 'nope' }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherAdmin, chartTab, props({ id: w.maria }))).toMatchObject({ kind: 'not-found' });
    expect(await rendered(otherAdmin, listPage)).not.toContain('Mine');
  });
});
