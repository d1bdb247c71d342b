import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import {
  automationRuns, automationRunSteps, automations, domainEvents, locations, messageTemplates, outboxMessages, patients, patientTags, portalAccountPatients,
  services, tasks, webhookDeliveries,
} from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import type { Step } from '@/lib/engagement/automations/definition';
import { listAutomations } from '@/lib/engagement/automations/automations';
import { fanOutEvents, runDueSteps } from '@/lib/engagement/automations/runner';
import { recordEvent } from '@/lib/engagement/events';
import { bookAppointment, cancelAppointment, rescheduleAppointment } from '@/lib/scheduling/booking';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';
import { createBookingClinic, createMariasFamily, createProviders, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';

/**
 * The automation engine against Postgres (issue 18 point 4): a run per (automation, event) with
 * two runners at once, a step's effects and the run's move commit together (a failing step undoes
 * its writes and is retried once), waits are rows that any later runner picks up (a restart is
 * just a new runner), and visit reminders follow the visit: none for a cancelled or moved one,
 * one at the right time for the new one.
 */

const db = () => getDb();
afterEach(() => setClockForTests(undefined));

const HOUR = 3_600_000;

async function automation(tenantId: string, trigger: string, steps: Step[], options: { activeSince?: Date; filter?: unknown[] } = {}) {
  const [row] = await db().insert(automations).values({
    tenantId, name: `Test ${randomBytes(3).toString('hex')}`, trigger, steps, filter: options.filter ?? [], status: 'active',
    activeSince: options.activeSince ?? new Date('2020-01-01T00:00:00Z'),
  }).returning();
  return row!;
}

/** Matches and works everything due at `at`, as a runner would (both jobs until idle). */
async function drain(at: Date) {
  while ((await fanOutEvents(db(), at)).eventsMatched > 0);
  while ((await runDueSteps(db(), at)).runsAdvanced > 0);
}

async function patientEvent(tenantId: string, patientId: string, at: Date) {
  return db().transaction(async (tx) => {
    await recordEvent(tx, tenantId, { name: 'patient.created', patientId, subject: {}, actor: { kind: 'system' }, at });
    const [row] = await tx.select({ id: domainEvents.id }).from(domainEvents)
      .where(and(eq(domainEvents.tenantId, tenantId), eq(domainEvents.patientId, patientId))).orderBy(sql`occurred_at desc`).limit(1);
    return row!.id;
  });
}

async function runsOf(tenantId: string, automationId: string) {
  return db().select().from(automationRuns).where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.automationId, automationId)));
}

async function logOf(tenantId: string, runId: string) {
  return db().select({ stepIndex: automationRunSteps.stepIndex, outcome: automationRunSteps.outcome, detail: automationRunSteps.detail })
    .from(automationRunSteps).where(and(eq(automationRunSteps.tenantId, tenantId), eq(automationRunSteps.runId, runId))).orderBy(asc(automationRunSteps.at), asc(automationRunSteps.stepIndex), asc(automationRunSteps.id));
}

async function simpleClinic() {
  const tenant = await createTestTenant();
  await db().insert(locations).values({ tenantId: tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'Springfield', timeZone: 'America/Chicago' });
  const [maria] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: 'A-1', firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1986-04-12' }).returning();
  return { tenant, patientId: maria!.id };
}

describe('once per automation and event', () => {
  it('two runners matching and working at once start one run and do each step once', async () => {
    const at = new Date('2030-03-02T15:00:00Z');
    const { tenant, patientId } = await simpleClinic();
    const a = await automation(tenant.id, 'patient.created', [
      { kind: 'tag', op: 'add', tag: 'new-patient' },
      { kind: 'task', title: 'Call the new patient', assigneeTeam: undefined, assigneeStaffId: undefined, dueInDays: 1 },
      { kind: 'webhook', url: 'https://hooks.example.test/carebridge' },
    ]);
    await patientEvent(tenant.id, patientId, at);
    // Two runners at once, several times over: one run, whatever the interleaving.
    await Promise.all([fanOutEvents(db(), at), fanOutEvents(db(), at), fanOutEvents(db(), at)]);
    await Promise.all([fanOutEvents(db(), at), fanOutEvents(db(), at)]);
    const runs = await runsOf(tenant.id, a.id);
    expect(runs).toHaveLength(1);
    await Promise.all([runDueSteps(db(), at), runDueSteps(db(), at)]);
    await Promise.all([runDueSteps(db(), at), runDueSteps(db(), at)]);
    const [run] = await runsOf(tenant.id, a.id);
    expect(run!.status).toBe('completed');
    expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(1);
    const made = await db().select().from(tasks).where(eq(tasks.tenantId, tenant.id));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ title: 'Call the new patient', patientId, source: 'automation' });
    const hooks = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, tenant.id));
    expect(hooks).toHaveLength(1);
    // Ids only in the outside call.
    expect(hooks[0]!.body).toMatchObject({ type: 'patient.created', patientId, clinicId: tenant.id });
    expect(JSON.stringify(hooks[0]!.body)).not.toContain('Maria');
    expect((await logOf(tenant.id, run!.id)).map((l) => [l.stepIndex, l.outcome])).toEqual([[0, 'done'], [1, 'done'], [2, 'done']]);
  });

  it('two runners each working four lanes at once (the worker\'s steps job) do every run\'s steps once', async () => {
    const at = new Date('2030-03-02T15:00:00Z');
    const { tenant } = await simpleClinic();
    const a = await automation(tenant.id, 'patient.created', [
      { kind: 'tag', op: 'add', tag: 'new-patient' },
      { kind: 'task', title: 'Call the new patient', assigneeTeam: undefined, assigneeStaffId: undefined, dueInDays: 1 },
    ]);
    const made = await db().insert(patients).values(Array.from({ length: 24 }, (_, i) => ({
      tenantId: tenant.id, recordNumber: `L-${i}`, firstName: 'Lane', lastName: `Patient ${i}`, dateOfBirth: '1990-01-01',
    }))).returning({ id: patients.id });
    for (const p of made) await patientEvent(tenant.id, p.id, at);
    await fanOutEvents(db(), at);
    expect(await runsOf(tenant.id, a.id)).toHaveLength(24);
    // No `at`: each run is on the clock as it is claimed (the worker's way); the test clock stands still.
    setClockForTests(() => at);
    const [first, second] = await Promise.all([runDueSteps(db(), undefined, { lanes: 4 }), runDueSteps(db(), undefined, { lanes: 4 })]);
    expect(first!.runsAdvanced + second!.runsAdvanced).toBe(24);
    expect(await runDueSteps(db(), undefined, { lanes: 4 })).toEqual({ runsAdvanced: 0, runsFailed: 0 });
    const runs = await runsOf(tenant.id, a.id);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(24);
    expect(await db().select().from(tasks).where(eq(tasks.tenantId, tenant.id))).toHaveLength(24);
    const steps = await db().select({ runId: automationRunSteps.runId, stepIndex: automationRunSteps.stepIndex }).from(automationRunSteps).where(eq(automationRunSteps.tenantId, tenant.id));
    expect(steps).toHaveLength(48);
    expect(new Set(steps.map((s) => `${s.runId}:${s.stepIndex}`)).size).toBe(48);
  });

  it('a runner holding a run (then crashing) is skipped by the other; the run is done once afterwards', async () => {
    const at = new Date('2030-03-02T15:00:00Z');
    const { tenant, patientId } = await simpleClinic();
    const a = await automation(tenant.id, 'patient.created', [{ kind: 'tag', op: 'add', tag: 'vip' }]);
    await patientEvent(tenant.id, patientId, at);
    await fanOutEvents(db(), at);
    const [run] = await runsOf(tenant.id, a.id);
    // The first runner has claimed the run and is mid-way when it dies: its transaction never commits.
    const crashed = db().transaction(async (tx) => {
      await tx.select().from(automationRuns).where(and(eq(automationRuns.tenantId, tenant.id), eq(automationRuns.id, run!.id))).for('update');
      await tx.insert(patientTags).values({ tenantId: tenant.id, patientId, tag: 'vip' });
      // Meanwhile a second runner passes over the locked run.
      expect(await runDueSteps(db(), at)).toEqual({ runsAdvanced: 0, runsFailed: 0 });
      throw new Error('runner died');
    });
    await expect(crashed).rejects.toThrow('runner died');
    expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(0);
    expect(await runDueSteps(db(), at)).toMatchObject({ runsAdvanced: 1 });
    expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(1);
    expect((await runsOf(tenant.id, a.id))[0]!.status).toBe('completed');
  });

  it('a step that fails undoes the run’s writes of that pass and is tried again later, once', async () => {
    const at = new Date('2030-03-02T15:00:00Z');
    const { tenant, patientId } = await simpleClinic();
    const a = await automation(tenant.id, 'patient.created', [
      { kind: 'tag', op: 'add', tag: 'first' },
      { kind: 'task', title: 'FAIL ONCE', assigneeTeam: undefined, dueInDays: 0 },
    ]);
    await patientEvent(tenant.id, patientId, at);
    await fanOutEvents(db(), at);
    // The task insert fails (as a database outage would) until the function is replaced.
    const fn = `fail_task_${randomBytes(4).toString('hex')}`;
    await db().execute(sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin if new.title = 'FAIL ONCE' then raise exception 'injected'; end if; return new; end $$`));
    await db().execute(sql.raw(`create trigger ${fn} before insert on tasks for each row execute function ${fn}()`));
    try {
      expect(await runDueSteps(db(), at)).toEqual({ runsAdvanced: 0, runsFailed: 0 });
      const [run] = await runsOf(tenant.id, a.id);
      expect(run).toMatchObject({ status: 'waiting', attempts: 1, stepIndex: 0 });
      expect(run!.nextRunAt!.getTime()).toBeGreaterThan(at.getTime());
      // The tag of step 1 went back with the failed pass.
      expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(0);
      // Not due again yet.
      expect(await runDueSteps(db(), at)).toEqual({ runsAdvanced: 0, runsFailed: 0 });
    } finally {
      await db().execute(sql.raw(`drop trigger ${fn} on tasks; drop function ${fn}()`));
    }
    await drain(new Date(at.getTime() + HOUR));
    const [run] = await runsOf(tenant.id, a.id);
    expect(run!.status).toBe('completed');
    expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(1);
    expect(await db().select().from(tasks).where(eq(tasks.tenantId, tenant.id))).toHaveLength(1);
    expect((await logOf(tenant.id, run!.id)).map((l) => l.outcome)).toEqual(['failed', 'done', 'done']);
  });

  it('an edit does not touch runs in flight; a filter that fails starts nothing; events before switching on are not matched', async () => {
    const at = new Date('2030-03-02T15:00:00Z');
    const { tenant, patientId } = await simpleClinic();
    const a = await automation(tenant.id, 'patient.created', [{ kind: 'wait', duration: { amount: 1, unit: 'days' } }, { kind: 'tag', op: 'add', tag: 'old-version' }]);
    const filtered = await automation(tenant.id, 'patient.created', [{ kind: 'tag', op: 'add', tag: 'child' }], { filter: [{ kind: 'age', op: 'under', years: 18 }] });
    const later = await automation(tenant.id, 'patient.created', [{ kind: 'tag', op: 'add', tag: 'late' }], { activeSince: new Date(at.getTime() + HOUR) });
    await patientEvent(tenant.id, patientId, at);
    await drain(at);
    await db().update(automations).set({ steps: [{ kind: 'tag', op: 'add', tag: 'new-version' }], version: 2 }).where(eq(automations.id, a.id));
    await drain(new Date(at.getTime() + 25 * HOUR));
    const tags = (await db().select({ tag: patientTags.tag }).from(patientTags).where(eq(patientTags.tenantId, tenant.id))).map((t) => t.tag);
    expect(tags).toEqual(['old-version']);
    expect(await runsOf(tenant.id, filtered.id)).toHaveLength(0);
    expect(await runsOf(tenant.id, later.id)).toHaveLength(0);
  });

  it('events no automation listens to are marked in bulk and do not hold back the ones that start a run', async () => {
    // Before every other test's events: this pass's oldest pending events are this test's.
    const at = new Date('1999-06-01T12:00:00Z');
    const { tenant, patientId } = await simpleClinic();
    const since = new Date('1999-01-01T00:00:00Z');
    const welcome = await automation(tenant.id, 'patient.created', [{ kind: 'tag', op: 'add', tag: 'welcome' }], { activeSince: since });
    // "appointment.scheduled" listens to bookings (triggersOfEvent): a booking is heard.
    const visit = await automation(tenant.id, 'appointment.scheduled', [{ kind: 'tag', op: 'add', tag: 'visit' }], { activeSince: since });
    // Another clinic listening to renewals does not make this clinic's renewals heard.
    const other = await simpleClinic();
    await automation(other.tenant.id, 'subscription.renewed', [{ kind: 'tag', op: 'add', tag: 'renewed' }], { activeSince: since });
    const quietAt = (i: number) => new Date(Date.parse('1999-06-01T10:00:00Z') + i);
    const row = (name: string, occurredAt: Date) => ({ tenantId: tenant.id, name, patientId, subject: {}, actorKind: 'system' as const, occurredAt });
    await db().insert(domainEvents).values([
      // A batch's worth of events nothing here listens to, all older than the ones that matter,
      ...Array.from({ length: 600 }, (_, i) => row('subscription.renewed', quietAt(i))),
      // and one from before the welcome automation was switched on.
      row('patient.created', new Date('1998-12-31T00:00:00Z')),
      row('patient.created', new Date('1999-06-01T11:00:00Z')),
      row('appointment.booked', new Date('1999-06-01T11:30:00Z')),
    ]);
    const result = await fanOutEvents(db(), at, { limit: 200 });
    expect(result).toMatchObject({ eventsMatched: 2, runsStarted: 2 });
    expect(result.eventsUnheard).toBeGreaterThanOrEqual(601);
    expect(await runsOf(tenant.id, welcome.id)).toHaveLength(1);
    expect(await runsOf(tenant.id, visit.id)).toHaveLength(1);
    const pending = await db().select({ id: domainEvents.id }).from(domainEvents)
      .where(and(eq(domainEvents.tenantId, tenant.id), sql`${domainEvents.fannedOutAt} is null`));
    expect(pending).toHaveLength(0);
  });

  it('a wait is a row: a runner started after a restart finds it and goes on at its time', async () => {
    const at = new Date('2030-03-02T15:00:00Z');
    const { tenant, patientId } = await simpleClinic();
    const a = await automation(tenant.id, 'patient.created', [{ kind: 'wait', duration: { amount: 2, unit: 'hours' } }, { kind: 'tag', op: 'add', tag: 'waited' }]);
    await patientEvent(tenant.id, patientId, at);
    await drain(at);
    const [waiting] = await runsOf(tenant.id, a.id);
    expect(waiting).toMatchObject({ status: 'waiting', stepIndex: 1 });
    // The CRM's list counts it (its subqueries name the automation's own row).
    const listed = (await listAutomations(db(), await createStaffContext(tenant, 'admin'))).find((row) => row.id === a.id);
    expect(listed).toMatchObject({ runsWaiting: 1, runsLast30Days: 1 });
    expect(waiting!.nextRunAt!.toISOString()).toBe(new Date(at.getTime() + 2 * HOUR).toISOString());
    // "Restart": nothing in memory survives; a new pass an hour later finds nothing due…
    await drain(new Date(at.getTime() + HOUR));
    expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(0);
    // …and one after the wait does the step.
    await drain(new Date(at.getTime() + 2 * HOUR));
    expect(await db().select().from(patientTags).where(eq(patientTags.tenantId, tenant.id))).toHaveLength(1);
    expect((await runsOf(tenant.id, a.id))[0]!.status).toBe('completed');
  });
});

async function reminderClinic() {
  setClockForTests(() => NOW);
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 60, bookingHorizonDays: 60, bufferMinutes: 0, cancellationWindowHours: 0 });
  const [main] = await db().insert(locations).values({ tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ }).returning();
  const [visit] = await db().insert(services).values({ tenantId: tenant.id, name: 'Dermatology follow-up', durationMinutes: 30 }).returning();
  const [ada] = await createProviders(tenant, [{ name: 'Dr Ada' }]);
  await offerServices(tenant, [[ada, visit!]]);
  await weekdayHours(tenant, [{ provider: ada, location: main!, from: '09:00', to: '17:00' }]);
  const { maria, leo, portal } = await createMariasFamily(tenant, randomBytes(3).toString('hex'));
  const [template] = await db().insert(messageTemplates).values({
    tenantId: tenant.id, name: 'Reminder', channel: 'sms', purpose: 'care',
    content: { en: { body: 'Hi {{patient.firstName}}, see you {{appointment.date}} at {{appointment.time}}.' } },
  }).returning();
  const reminder = await automation(tenant.id, 'appointment.scheduled', [
    { kind: 'wait_until', anchor: 'appointment.start', offset: { amount: 24, unit: 'hours' }, direction: 'before', ifPassed: 'stop' },
    { kind: 'check', conditions: [{ kind: 'appointment_status', op: 'in', values: ['booked'] }] },
    { kind: 'send', channel: 'sms', templateId: template!.id },
  ]);
  const book = async (startsAt: Date, patientId = maria.patient.id) => {
    const result = await bookAppointment(db(), portal(patientId), { patientId, serviceId: visit!.id, locationId: main!.id, providerId: ada.id, startsAt });
    if (!result.ok) throw new Error(`not booked: ${result.error}`);
    return result.appointment.id;
  };
  const sms = async () => db().select({ key: outboxMessages.idempotencyKey, body: outboxMessages.body, recipient: outboxMessages.recipient, patientId: outboxMessages.patientId })
    .from(outboxMessages).where(and(eq(outboxMessages.tenantId, tenant.id), sql`${outboxMessages.idempotencyKey} like 'automation-run:%'`));
  return { tenant, staff, maria, leo, portal, ids: { locationId: main!.id, providerId: ada.id }, reminder, book, sms };
}

describe('visit reminders', () => {
  it('is queued 24 hours before the visit, in the patient’s words, once', async () => {
    const c = await reminderClinic();
    const startsAt = ny('2030-01-09', '10:00');
    await c.book(startsAt);
    await drain(NOW);
    expect(await c.sms()).toHaveLength(0);
    const [run] = await runsOf(c.tenant.id, c.reminder.id);
    expect(run!.nextRunAt!.toISOString()).toBe(new Date(startsAt.getTime() - 24 * HOUR).toISOString());
    await drain(new Date(startsAt.getTime() - 24 * HOUR - 60_000));
    expect(await c.sms()).toHaveLength(0);
    await drain(new Date(startsAt.getTime() - 24 * HOUR));
    await drain(new Date(startsAt.getTime() - 23 * HOUR));
    const sent = await c.sms();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.patientId).toBe(c.maria.patient.id);
    expect(sent[0]!.body).toContain(`Hi ${c.maria.patient.firstName}`);
    // No service name (health information) in the text.
    expect(sent[0]!.body).not.toContain('Dermatology');
  });

  it('is not sent for a cancelled visit, nor for the old time of a moved one; the new time gets its own', async () => {
    const c = await reminderClinic();
    const cancelled = await c.book(ny('2030-01-09', '10:00'));
    const moved = await c.book(ny('2030-01-09', '11:00'));
    await drain(NOW);
    expect(await cancelAppointment(db(), c.staff, cancelled, 'Patient called')).toEqual({ ok: true });
    const result = await rescheduleAppointment(db(), c.staff, moved, { ...c.ids, startsAt: ny('2030-01-11', '14:00') });
    if (!result.ok) throw new Error(result.error);
    await drain(NOW);
    // The day before the old times: nothing (the cancelled one stops at its check, the moved one too).
    await drain(ny('2030-01-08', '12:00'));
    expect(await c.sms()).toHaveLength(0);
    const runs = await runsOf(c.tenant.id, c.reminder.id);
    expect(runs.map((r) => r.status).sort()).toEqual(['stopped', 'stopped', 'waiting']);
    // The new visit's reminder, the day before it.
    await drain(ny('2030-01-10', '14:00'));
    expect(await c.sms()).toHaveLength(1);
  });

  it('a child without a phone: the reminder goes to the parent who manages their portal', async () => {
    const c = await reminderClinic();
    const startsAt = ny('2030-01-09', '10:00');
    await c.book(startsAt, c.leo.id);
    await drain(new Date(startsAt.getTime() - 24 * HOUR));
    const sent = await c.sms();
    expect(sent.map((m) => [m.recipient, m.patientId])).toEqual([['+15550100001', c.leo.id]]);
    expect(sent[0]!.body).toContain('Hi Leo');
  });

  it('does not reach a parent whose link does not open Bookings (a proxy’s scope, issue 19)', async () => {
    const c = await reminderClinic();
    const startsAt = ny('2030-01-09', '10:00');
    await c.book(startsAt, c.leo.id);
    // Staff narrowed Maria's access to Leo's documents only after the booking.
    await db().update(portalAccountPatients).set({ scope: 'custom', areas: ['documents'] })
      .where(and(eq(portalAccountPatients.tenantId, c.tenant.id), eq(portalAccountPatients.patientId, c.leo.id)));
    await drain(new Date(startsAt.getTime() - 24 * HOUR));
    expect(await c.sms()).toEqual([]);
  });

  it('is not sent when the visit is booked less than 24 hours ahead', async () => {
    const c = await reminderClinic();
    // NOW is 07:00 in New York: a visit at 14:00 the same day.
    await c.book(ny('2030-01-07', '14:00'));
    await drain(NOW);
    expect(await c.sms()).toHaveLength(0);
    const [run] = await runsOf(c.tenant.id, c.reminder.id);
    expect(run!.status).toBe('stopped');
  });
});
