import { and, asc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { automationRuns, automationRunSteps, automations, formAssignments, outboxMessages } from '@/db/schema';
import { assignForms } from '@/lib/clinic-forms/assignments';
import { setClockForTests } from '@/lib/clock';
import { ensureBuiltinAutomations } from '@/lib/engagement/automations/builtins';
import { stepsSchema } from '@/lib/engagement/automations/definition';
import { dryRunAutomation } from '@/lib/engagement/automations/dry-run';
import { fanOutEvents, runDueSteps } from '@/lib/engagement/automations/runner';
import { testServerUrl } from '../support/test-database';
import { addPatient, formsClinic, T0 } from './forms-assign-fixtures';

/**
 * Form-due reminders are the built-in "Form due reminder" automation (issue 18 point 3), made from
 * the clinic's reminder days when it is installed: a reminder N and M days before the due date at
 * 09:00 in the clinic's zone, each only while the form is still open and only when its time had
 * not passed when the form was assigned (a form assigned after the first reminder's time still
 * gets the last). Driven here as the scheduled jobs drive it: fanOutEvents, then runDueSteps.
 */

let clock = T0;
beforeEach(() => {
  clock = T0;
  setClockForTests(() => clock);
});
afterEach(() => setClockForTests(undefined));

const db = () => getDb();

// Due Sunday 2030-03-10, the day New York moves to summer time: reminders 3 and 1 days before at
// 09:00 EST (14:00 UTC). Counting 72 hours back from 09:00 EDT on the 10th would give 08:00.
const DUE = '2030-03-10';
const FIRST = new Date('2030-03-07T14:00:00Z');
const LAST = new Date('2030-03-09T14:00:00Z');
const MINUTE = 60_000;

/** The forms clinic with its built-ins installed from its settings (as a new clinic gets them). */
async function reminderClinic(settings: { formFirstReminderDays: number; formLastReminderDays: number } = { formFirstReminderDays: 3, formLastReminderDays: 1 }) {
  const c = await formsClinic(settings);
  await db().transaction((tx) => ensureBuiltinAutomations(tx, c.tenant.id, T0));
  const [automation] = await db().select().from(automations).where(and(eq(automations.tenantId, c.tenant.id), eq(automations.builtinKey, 'form-due-reminder')));
  return { ...c, automation: automation! };
}

/** Matches and works everything due at `at`, as a runner would (both jobs until idle). */
async function drain(at: Date) {
  while ((await fanOutEvents(db(), at)).eventsMatched > 0);
  while ((await runDueSteps(db(), at)).runsAdvanced > 0);
}

/** The messages the automation queued for the clinic (its sends are keyed by run and step). */
async function reminders(tenantId: string, patientId?: string) {
  return db()
    .select({ channel: outboxMessages.channel, recipient: outboxMessages.recipient, subject: outboxMessages.subject, body: outboxMessages.body, createdAt: outboxMessages.createdAt })
    .from(outboxMessages)
    .where(and(
      eq(outboxMessages.tenantId, tenantId), sql`${outboxMessages.idempotencyKey} like 'automation-run:%'`,
      patientId ? eq(outboxMessages.patientId, patientId) : undefined,
    ))
    .orderBy(asc(outboxMessages.createdAt), asc(outboxMessages.channel));
}

async function runOf(tenantId: string, patientId: string) {
  const rows = await db().select().from(automationRuns).where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.patientId, patientId)));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function logOf(tenantId: string, runId: string) {
  return (await db().select({ stepIndex: automationRunSteps.stepIndex, outcome: automationRunSteps.outcome }).from(automationRunSteps)
    .where(and(eq(automationRunSteps.tenantId, tenantId), eq(automationRunSteps.runId, runId)))
    .orderBy(asc(automationRunSteps.at), asc(automationRunSteps.stepIndex), asc(automationRunSteps.id))).map((l) => `${l.stepIndex}:${l.outcome}`);
}

describe('the form due reminder automation', () => {
  it('sends the first reminder 3 days before at 09:00 in the clinic’s zone, the last 1 day before, then none', async () => {
    const c = await reminderClinic();
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id], dueOn: DUE });
    await drain(T0);
    expect(await runOf(c.tenant.id, c.patient.id)).toMatchObject({ status: 'waiting', nextRunAt: FIRST });
    expect(await reminders(c.tenant.id)).toEqual([]);

    clock = new Date(FIRST.getTime() - MINUTE);
    await drain(clock);
    expect(await reminders(c.tenant.id)).toEqual([]);
    clock = FIRST;
    await drain(clock);
    const first = await reminders(c.tenant.id);
    expect(first.map((m) => [m.channel, m.recipient])).toEqual([['email', c.account.email], ['sms', '+15550100001']]);
    expect(await runOf(c.tenant.id, c.patient.id)).toMatchObject({ status: 'waiting', nextRunAt: LAST });
    // Never the form's title (health information) in a reminder.
    for (const m of first) expect(`${m.subject ?? ''} ${m.body}`).not.toMatch(/intake/i);

    clock = new Date(FIRST.getTime() + 3_600_000);
    await drain(clock);
    expect(await reminders(c.tenant.id)).toHaveLength(2);
    clock = LAST;
    await drain(clock);
    expect(await reminders(c.tenant.id)).toHaveLength(4);
    const run = await runOf(c.tenant.id, c.patient.id);
    expect(run.status).toBe('completed');
    clock = new Date(LAST.getTime() + 86_400_000);
    await drain(clock);
    expect(await reminders(c.tenant.id)).toHaveLength(4);
  });

  it('sends none once the form is submitted: the run stops at its check', async () => {
    const c = await reminderClinic();
    const other = await addPatient(c.tenant.id, { phone: '+15550100002' });
    const [mine] = (await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id], dueOn: DUE })).assignmentIds;
    await assignForms(db(), c.admin, other.id, { templateIds: [c.intake.id], dueOn: DUE });
    await drain(T0);
    clock = FIRST;
    await drain(clock);
    expect(await reminders(c.tenant.id, c.patient.id)).toHaveLength(2);
    expect(await reminders(c.tenant.id, other.id)).toHaveLength(2);

    // Submitted after the first reminder: no last one. The other patient's form is still open.
    await db().update(formAssignments).set({ status: 'submitted', submittedAt: clock }).where(eq(formAssignments.id, mine!));
    clock = LAST;
    await drain(clock);
    expect(await reminders(c.tenant.id, c.patient.id)).toHaveLength(2);
    expect(await reminders(c.tenant.id, other.id)).toHaveLength(4);
    const run = await runOf(c.tenant.id, c.patient.id);
    expect(run.status).toBe('stopped');
    expect(await logOf(c.tenant.id, run.id)).toEqual(['0:waiting', '0:done', '1:done', '2:done', '3:done', '4:waiting', '4:done', '5:stopped']);
  });

  it('leaves out a reminder whose time had passed when the form was assigned, and still sends the later one', async () => {
    const c = await reminderClinic();
    // Assigned on the 8th, after the first reminder's time: only the last one is sent.
    clock = new Date('2030-03-08T15:00:00Z');
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id], dueOn: DUE });
    await drain(clock);
    const run = await runOf(c.tenant.id, c.patient.id);
    expect(run).toMatchObject({ status: 'waiting', stepIndex: 4, nextRunAt: LAST });
    expect(await logOf(c.tenant.id, run.id)).toEqual(['0:skipped', '1:skipped', '2:skipped', '3:skipped', '4:waiting']);
    expect(await reminders(c.tenant.id)).toEqual([]);
    clock = LAST;
    await drain(clock);
    const sent = await reminders(c.tenant.id);
    expect(sent).toHaveLength(2);
    expect(sent.every((m) => m.createdAt.getTime() === LAST.getTime())).toBe(true);
    expect((await runOf(c.tenant.id, c.patient.id)).status).toBe('completed');

    // Assigned after the last reminder's time too (due tomorrow, at 10:00 today): none at all.
    const late = await addPatient(c.tenant.id, { phone: '+15550100003' });
    clock = new Date('2030-03-09T15:00:00Z');
    await assignForms(db(), c.admin, late.id, { templateIds: [c.intake.id], dueOn: DUE });
    await drain(clock);
    const stopped = await runOf(c.tenant.id, late.id);
    expect(stopped.status).toBe('stopped');
    expect(await logOf(c.tenant.id, stopped.id)).toEqual(['0:skipped', '1:skipped', '2:skipped', '3:skipped', '4:stopped']);
    await drain(new Date('2030-03-10T15:00:00Z'));
    expect(await reminders(c.tenant.id, late.id)).toEqual([]);
  });

  it('a runner down past a reminder’s time sends it once when back, never a burst of missed ones', async () => {
    const c = await reminderClinic();
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id], dueOn: DUE });
    await drain(T0);
    // Nothing ran between the 4th and an hour after the last reminder's time.
    clock = new Date(LAST.getTime() + 3_600_000);
    await drain(clock);
    // The wait it was in ends (one reminder); the last one's time had passed when it got there.
    expect(await reminders(c.tenant.id)).toHaveLength(2);
    const run = await runOf(c.tenant.id, c.patient.id);
    expect(run.status).toBe('stopped');
    expect(await logOf(c.tenant.id, run.id)).toEqual(['0:waiting', '0:done', '1:done', '2:done', '3:done', '4:stopped']);
  });

  it('with no due date there is nothing to remind of', async () => {
    const c = await reminderClinic();
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id] });
    await drain(T0);
    expect((await runOf(c.tenant.id, c.patient.id)).status).toBe('stopped');
    expect(await reminders(c.tenant.id)).toEqual([]);
  });

  it.runIf(Boolean(testServerUrl()))('sends each reminder once with two runners at the same time (one a form: each links to its own)', async () => {
    const c = await reminderClinic();
    const people = await Promise.all(Array.from({ length: 30 }, (_, i) => addPatient(c.tenant.id, { phone: `+1555020${String(i).padStart(4, '0')}` })));
    for (const p of people) await assignForms(db(), c.admin, p.id, { templateIds: [c.intake.id, c.phq9.id], dueOn: DUE });
    await Promise.all([fanOutEvents(db(), T0), fanOutEvents(db(), T0)]);
    await Promise.all([drain(T0), drain(T0)]);
    clock = FIRST;
    await Promise.all([drain(FIRST), drain(FIRST), drain(FIRST)]);
    const sent = await reminders(c.tenant.id);
    expect(sent.filter((m) => m.channel === 'email')).toHaveLength(60);
    expect(sent.filter((m) => m.channel === 'sms')).toHaveLength(60);
    const runs = await db().select().from(automationRuns).where(eq(automationRuns.automationId, c.automation.id));
    expect(runs).toHaveLength(60);
    expect(runs.every((r) => r.status === 'waiting' && r.stepIndex === 4)).toBe(true);
  });
});

describe('installed from the clinic’s reminder days', () => {
  const waits = (steps: unknown) => stepsSchema.parse(steps).flatMap((s) => (s.kind === 'wait_until' ? [[s.offset.amount, s.offset.unit, s.ifPassed]] : []));

  it('takes the first and last days (0 leaves one out); with both at 0 it is installed paused', async () => {
    const both = await reminderClinic({ formFirstReminderDays: 5, formLastReminderDays: 2 });
    expect(both.automation).toMatchObject({ status: 'active', description: 'An email and a text 5 days and 2 days before a form is due, while it is still to be filled in.' });
    expect(waits(both.automation.steps)).toEqual([[5, 'days', 'skip_to_next_wait'], [2, 'days', 'stop']]);

    const lastOnly = await reminderClinic({ formFirstReminderDays: 0, formLastReminderDays: 1 });
    expect(lastOnly.automation.status).toBe('active');
    expect(waits(lastOnly.automation.steps)).toEqual([[1, 'days', 'stop']]);

    const off = await reminderClinic({ formFirstReminderDays: 0, formLastReminderDays: 0 });
    expect(off.automation).toMatchObject({ status: 'paused', activeSince: null });
    expect(waits(off.automation.steps)).toEqual([[1, 'days', 'stop']]);
    // Paused: a form assigned there starts no run and sends nothing.
    await assignForms(db(), off.admin, off.patient.id, { templateIds: [off.intake.id], dueOn: DUE });
    await drain(T0);
    await drain(LAST);
    expect(await db().select().from(automationRuns).where(eq(automationRuns.automationId, off.automation.id))).toEqual([]);
    expect(await reminders(off.tenant.id)).toEqual([]);
  });

  it('the dry run shows the skipped first reminder and the last one’s time', async () => {
    const c = await reminderClinic();
    clock = new Date('2030-03-08T15:00:00Z');
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id], dueOn: DUE });
    const a = c.automation;
    const [result] = await dryRunAutomation(db(), c.admin, { name: a.name, description: a.description ?? undefined, trigger: a.trigger, filter: a.filter, steps: a.steps }, clock);
    expect(result!.matched).toBe(true);
    expect(result!.steps.map((s) => [s.index, s.outcome])).toEqual([[0, 'skip'], [1, 'skip'], [2, 'skip'], [3, 'skip'], [4, 'wait'], [5, 'done'], [6, 'done'], [7, 'done']]);
    expect(result!.steps[0]!.description).toBe('Wait until 3 days before the form is due (if that time has passed, skip to the next wait)');
    expect(result!.steps[5]!.at).toEqual(LAST);
  });
});
