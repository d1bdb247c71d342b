import 'server-only';
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/db/client';
import { automationRuns, automationRunSteps, automations, domainEvents, patientTags, webhookDeliveries, type AutomationRun } from '@/db/schema';
import { clinicTimeZone, REMINDER_TIME } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { lockOrder, moveLockedOrder } from '@/lib/commerce/order-transitions';
import { errorSummary, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { createTaskFromAutomation } from '../tasks';
import { EVENT_NAMES, isEventName } from '../events';
import {
  describeCondition, durationMs, filterSchema, isTrigger, runDefinitionSchema, triggersOfEvent,
  type RunDefinition, type Step,
} from './definition';
import { firstFailing, neededFacts } from './evaluate';
import { appointmentOf, formDueOf, loadFacts } from './facts';
import { executeSendStep } from './send-step';
import { stepKey, type StepContext, type StepOutcome } from './step-context';
import { nextWaitIndex, waitUntilTarget, type WaitAnchorTime } from './wait-until';

/**
 * The automation engine (issue 18 points 2 and 4), two jobs of lib/jobs/scheduled.ts.
 *
 * Fan-out: events not yet matched are claimed FOR UPDATE SKIP LOCKED (two runners take different
 * ones), each active automation whose trigger it is and whose filter holds gets a run — unique per
 * (automation, event), so even a replayed event starts nothing twice — and the event is marked
 * matched in the same transaction.
 *
 * Steps: a due run is claimed FOR UPDATE SKIP LOCKED and its steps are done in that one
 * transaction until a wait or the end; every effect (an outbox message, a task, a tag, an order's
 * move, a webhook row) is written in it with the run's move past the step, so a crash rolls both
 * back and the retry does the step once. A wait is the run's next_run_at: it survives restarts and
 * deploys. The run follows the definition it copied when it started (an edit does not touch it).
 */

export const FAN_OUT_BATCH = 200;
/** Events no active automation listens to, marked done per pass in one statement. */
export const FAN_OUT_QUIET_BATCH = 5_000;
export const STEPS_BATCH = 100;
/** Runs the worker's steps job works at once (each its own transaction and connection). */
export const STEPS_LANES = 4;
/** A wait whose time is this close behind counts as not passed (a reminder booked on the dot). */
const PASSED_GRACE_MS = 5 * 60_000;
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];

export interface FanOutResult {
  eventsMatched: number;
  runsStarted: number;
  /** Events no active automation could start on, marked without being read (bounded per pass). */
  eventsUnheard: number;
}

/** (event name, trigger) for every trigger an event can start: the SQL form of triggersOfEvent. */
const EVENT_TRIGGERS = sql.join(
  EVENT_NAMES.flatMap((name) => triggersOfEvent(name).map((trigger) => sql`(${name}::text, ${trigger}::text)`)),
  sql`, `,
);

/**
 * Whether some active automation of the event's clinic has a trigger the event can start, and was
 * switched on by the time it happened (the same tests the match below makes before the filter).
 */
const heard = sql`exists (
  select 1 from ${automations} a join (values ${EVENT_TRIGGERS}) as m(event_name, trigger) on m.trigger = a.trigger
  where a.tenant_id = ${domainEvents.tenantId} and a.status = 'active' and m.event_name = ${domainEvents.name}
    and a.active_since <= ${domainEvents.occurredAt}
)`;

export async function fanOutEvents(db: Database, at: Date = now(), options: { limit?: number } = {}): Promise<FanOutResult> {
  const limit = options.limit ?? FAN_OUT_BATCH;
  return db.transaction(async (tx) => {
    // Most events start nothing (a renewal batch leaves thousands no automation listens to): they
    // are marked in one statement, so the ones that do start something are not queued behind them.
    const unheard = tx.$with('unheard').as(
      tx.select({ tenantId: domainEvents.tenantId, id: domainEvents.id })
        .from(domainEvents)
        .where(and(isNull(domainEvents.fannedOutAt), lte(domainEvents.occurredAt, at), sql`not ${heard}`))
        .orderBy(asc(domainEvents.occurredAt))
        .limit(FAN_OUT_QUIET_BATCH)
        .for('update', { skipLocked: true }),
    );
    const marked = await tx.with(unheard).update(domainEvents).set({ fannedOutAt: at })
      .from(unheard)
      .where(and(eq(domainEvents.tenantId, unheard.tenantId), eq(domainEvents.id, unheard.id)))
      .returning({ id: domainEvents.id });
    const eventsUnheard = marked.length;
    const events = await tx
      .select()
      .from(domainEvents)
      .where(and(isNull(domainEvents.fannedOutAt), lte(domainEvents.occurredAt, at), heard))
      .orderBy(asc(domainEvents.occurredAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (events.length === 0) return { eventsMatched: 0, runsStarted: 0, eventsUnheard };
    const tenantIds = [...new Set(events.map((e) => e.tenantId))];
    const active = await tx
      .select()
      .from(automations)
      .where(and(inArray(automations.tenantId, tenantIds), eq(automations.status, 'active')));
    let runsStarted = 0;
    for (const event of events) {
      if (!isEventName(event.name)) continue;
      const triggers = triggersOfEvent(event.name);
      const candidates = active.filter((a) => a.tenantId === event.tenantId && isTrigger(a.trigger) && triggers.includes(a.trigger)
        && a.activeSince !== null && a.activeSince.getTime() <= event.occurredAt.getTime());
      for (const automation of candidates) {
        const filter = filterSchema.safeParse(automation.filter);
        const steps = runDefinitionSchema.shape.steps.safeParse(automation.steps);
        // A stored definition that no longer parses starts nothing (saving checks it; this is the belt).
        if (!filter.success || !steps.success) continue;
        // No filter, nothing to read (most automations: every booking, every new patient).
        if (filter.data.length > 0 && firstFailing(filter.data, await loadFacts(tx, event, neededFacts(filter.data), at))) continue;
        const definition: RunDefinition = { trigger: automation.trigger, name: automation.name, steps: steps.data };
        const made = await tx
          .insert(automationRuns)
          .values({
            tenantId: event.tenantId, automationId: automation.id, automationVersion: automation.version, eventId: event.id,
            patientId: event.patientId, definition, nextRunAt: at, startedAt: at,
          })
          .onConflictDoNothing({ target: [automationRuns.tenantId, automationRuns.automationId, automationRuns.eventId] })
          .returning({ id: automationRuns.id });
        runsStarted += made.length;
      }
    }
    await tx.update(domainEvents).set({ fannedOutAt: at }).where(inArray(domainEvents.id, events.map((e) => e.id)));
    return { eventsMatched: events.length, runsStarted, eventsUnheard };
  });
}

export interface StepsResult {
  runsAdvanced: number;
  runsFailed: number;
}

/**
 * Works due runs, one transaction each, up to `limit`, in `lanes` at once (the worker's job: a
 * run is a score of short statements, so one lane mostly waits on round trips; each lane claims
 * its own run with SKIP LOCKED, as a second runner would). Without `at`, each run is on the clock
 * as it is claimed: a pass of a hundred runs takes seconds, and a run's log and the waits it
 * starts count from when its steps are done, not from when the pass began. A given `at` (tests,
 * the e2e clock) holds for the whole pass.
 */
export async function runDueSteps(db: Database, passAt?: Date, options: { limit?: number; lanes?: number } = {}): Promise<StepsResult> {
  const limit = options.limit ?? STEPS_BATCH;
  let claims = 0;
  let runsAdvanced = 0;
  let runsFailed = 0;
  const claimNext = async () => {
    claims += 1;
    const worked = await workDueRun(db, passAt ?? now());
    if (worked === 'advanced') runsAdvanced += 1;
    if (worked === 'failed') runsFailed += 1;
    return worked !== null;
  };
  // One claim before the lanes open: a pass that finds nothing (most of them) is one transaction.
  if (limit < 1 || !(await claimNext())) return { runsAdvanced, runsFailed };
  const lane = async () => {
    while (claims < limit && (await claimNext()));
  };
  await Promise.all(Array.from({ length: Math.max(1, options.lanes ?? 1) }, lane));
  return { runsAdvanced, runsFailed };
}

/** Claims the next due run and advances it in one transaction; null when none is due. */
async function workDueRun(db: Database, at: Date): Promise<'advanced' | 'failed' | 'retry' | null> {
  return db.transaction(async (tx) => {
    const [run] = await tx
      .select()
      .from(automationRuns)
      .where(and(eq(automationRuns.status, 'waiting'), lte(automationRuns.nextRunAt, at)))
      .orderBy(asc(automationRuns.nextRunAt))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!run) return null;
    try {
      // A savepoint: a step that throws undoes its own writes, and the run records the failure.
      await tx.transaction((sp) => advanceRun(sp, run, at));
      return 'advanced' as const;
    } catch (error) {
      const failed = run.attempts + 1 > RETRY_DELAYS_MS.length;
      const detail = `Step ${run.stepIndex + 1} could not be done (${errorSummary(error)})${failed ? '; the run stopped after the last retry' : '; it will be tried again'}.`;
      await tx.update(automationRuns).set(failed
        ? { status: 'failed', nextRunAt: null, finishedAt: at, attempts: run.attempts + 1, lastError: errorSummary(error) }
        : { attempts: run.attempts + 1, nextRunAt: new Date(at.getTime() + RETRY_DELAYS_MS[run.attempts]!), lastError: errorSummary(error) })
        .where(and(eq(automationRuns.tenantId, run.tenantId), eq(automationRuns.id, run.id)));
      await logStep(tx, run, run.stepIndex, 'error', 'failed', detail, at);
      return failed ? ('failed' as const) : ('retry' as const);
    }
  });
}

async function logStep(tx: Transaction, run: AutomationRun, stepIndex: number, kind: string, outcome: 'done' | 'skipped' | 'waiting' | 'stopped' | 'failed', detail: string, at: Date) {
  await tx.insert(automationRunSteps).values({ tenantId: run.tenantId, runId: run.id, stepIndex, kind, outcome, detail, at });
}

async function advanceRun(tx: Transaction, run: AutomationRun, at: Date): Promise<void> {
  const definition = runDefinitionSchema.parse(run.definition);
  const [event] = await tx.select().from(domainEvents).where(and(eq(domainEvents.tenantId, run.tenantId), eq(domainEvents.id, run.eventId)));
  if (!event || !isEventName(event.name)) throw new Error('automation run: its event is missing');
  const ref = { tenantId: event.tenantId, patientId: event.patientId, subject: event.subject, id: event.id, name: event.name, occurredAt: event.occurredAt };
  const where = and(eq(automationRuns.tenantId, run.tenantId), eq(automationRuns.id, run.id));
  let index = run.stepIndex;
  while (index < definition.steps.length) {
    const step = definition.steps[index]!;
    const outcome = await executeStep({ tx, run, definition, event: ref, index, at }, step);
    if ('wait' in outcome) {
      await logStep(tx, run, index, step.kind, 'waiting', outcome.detail, at);
      await tx.update(automationRuns).set({ stepIndex: outcome.advance ? index + 1 : index, nextRunAt: outcome.wait, attempts: 0, lastError: null }).where(where);
      return;
    }
    if ('stop' in outcome) {
      await logStep(tx, run, index, step.kind, outcome.outcome, outcome.detail, at);
      await tx.update(automationRuns).set({ stepIndex: index, status: outcome.outcome === 'failed' ? 'failed' : 'stopped', nextRunAt: null, finishedAt: at, attempts: 0 }).where(where);
      return;
    }
    await logStep(tx, run, index, step.kind, outcome.outcome, outcome.detail, at);
    const skipTo = outcome.skipTo ?? index + 1;
    for (let left = index + 1; left < skipTo; left++) {
      await logStep(tx, run, left, definition.steps[left]!.kind, 'skipped', `Skipped with step ${index + 1}: its time had passed.`, at);
    }
    index = skipTo;
  }
  await tx.update(automationRuns).set({ stepIndex: index, status: 'completed', nextRunAt: null, finishedAt: at, attempts: 0, lastError: null }).where(where);
}

async function executeStep(ctx: StepContext, step: Step): Promise<StepOutcome> {
  const { tx, run, event, index, at } = ctx;
  switch (step.kind) {
    case 'wait': {
      const until = new Date(at.getTime() + durationMs(step.duration));
      return { wait: until, advance: true, detail: `Waiting until ${await clinicTimeWords(tx, run.tenantId, until)}.` };
    }
    case 'wait_until': {
      const anchor = await anchorTime(ctx, step.anchor);
      if (!anchor) return { stop: true, outcome: 'stopped', detail: step.anchor === 'form.due' ? 'Stopped: the form has no due date or no longer exists.' : 'Stopped: the visit no longer exists.' };
      const target = waitUntilTarget(step, anchor);
      // Already waited here once (woken now): the time has come unless the anchor moved later.
      const waited = await hasWaitedAt(tx, run, index);
      if (target.getTime() > at.getTime()) return { wait: target, advance: false, detail: `Waiting until ${await clinicTimeWords(tx, run.tenantId, target)}.` };
      if (!waited && target.getTime() < at.getTime() - PASSED_GRACE_MS) {
        if (step.ifPassed === 'stop') return { stop: true, outcome: 'stopped', detail: 'Stopped: that time had already passed when the run got here.' };
        if (step.ifPassed === 'skip_to_next_wait') {
          const skipTo = nextWaitIndex(ctx.definition.steps, index);
          return {
            next: true, outcome: 'skipped', skipTo,
            detail: `Skipped: that time had already passed when the run got here; ${skipTo < ctx.definition.steps.length ? `going on from step ${skipTo + 1}` : 'nothing follows'}.`,
          };
        }
      }
      return { next: true, outcome: 'done', detail: 'The time came.' };
    }
    case 'check': {
      const facts = await loadFacts(tx, event, neededFacts(step.conditions), at);
      const failing = firstFailing(step.conditions, facts);
      return failing
        ? { stop: true, outcome: 'stopped', detail: `Stopped: not ${describeCondition(failing)}.` }
        : { next: true, outcome: 'done', detail: 'Every condition held.' };
    }
    case 'send':
      return executeSendStep(ctx, step);
    case 'task': {
      const made = await createTaskFromAutomation(tx, run.tenantId, {
        sourceKey: stepKey(run.id, index), title: step.title, details: step.details ?? null, patientId: event.patientId,
        assigneeStaffId: step.assigneeStaffId ?? null, assigneeTeam: step.assigneeTeam ?? null, dueInDays: step.dueInDays ?? null,
      });
      const dropped = made.dropped.length > 0 ? ' The assignee is no longer allowed, so it is unassigned.' : '';
      return { next: true, outcome: 'done', detail: `Task created.${dropped}` };
    }
    case 'tag': {
      if (!event.patientId) return { next: true, outcome: 'skipped', detail: 'Skipped: the event has no patient.' };
      if (step.op === 'add') {
        await tx.insert(patientTags).values({ tenantId: run.tenantId, patientId: event.patientId, tag: step.tag, createdAt: at }).onConflictDoNothing();
        return { next: true, outcome: 'done', detail: `Tagged “${step.tag}”.` };
      }
      await tx.delete(patientTags).where(and(eq(patientTags.tenantId, run.tenantId), eq(patientTags.patientId, event.patientId), eq(patientTags.tag, step.tag)));
      return { next: true, outcome: 'done', detail: `Tag “${step.tag}” removed.` };
    }
    case 'order_status': {
      const orderId = event.subject['orderId'];
      const order = isUuid(orderId) ? await lockOrder(tx, run.tenantId, orderId) : null;
      if (!order) return { next: true, outcome: 'skipped', detail: 'Skipped: the order no longer exists.' };
      if (order.status === step.to) return { next: true, outcome: 'skipped', detail: `Skipped: the order is already ${step.to.replaceAll('_', ' ')}.` };
      try {
        await tx.transaction((sp) => moveLockedOrder(sp, order, step.to, { kind: 'system' }, `Automation: ${ctx.definition.name}`.slice(0, 200)));
      } catch (error) {
        if (error instanceof RuleError) return { next: true, outcome: 'skipped', detail: `Skipped: ${error.message}` };
        throw error;
      }
      return { next: true, outcome: 'done', detail: `Order moved to ${step.to.replaceAll('_', ' ')}.` };
    }
    case 'webhook': {
      const key = stepKey(run.id, index);
      await tx
        .insert(webhookDeliveries)
        .values({
          tenantId: run.tenantId, runId: run.id, url: step.url, idempotencyKey: key, nextAttemptAt: at, createdAt: at,
          body: {
            id: key, type: event.name, occurredAt: event.occurredAt.toISOString(), clinicId: run.tenantId,
            patientId: event.patientId, subject: event.subject, automationId: run.automationId, eventId: event.id,
          },
        })
        .onConflictDoNothing({ target: [webhookDeliveries.tenantId, webhookDeliveries.idempotencyKey] });
      return { next: true, outcome: 'done', detail: `Call to ${new URL(step.url).host} queued.` };
    }
  }
}

/** "Thu, Dec 10, 2026, 9:00 AM CST": an instant as the clinic's staff read it in the run log. */
async function clinicTimeWords(tx: Transaction, tenantId: string, at: Date): Promise<string> {
  const timeZone = await clinicTimeZone(tx, tenantId);
  return new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(at);
}

async function hasWaitedAt(tx: Transaction, run: AutomationRun, index: number): Promise<boolean> {
  const [row] = await tx
    .select({ one: sql<number>`1` })
    .from(automationRunSteps)
    .where(and(eq(automationRunSteps.tenantId, run.tenantId), eq(automationRunSteps.runId, run.id), eq(automationRunSteps.stepIndex, index), eq(automationRunSteps.outcome, 'waiting')))
    .limit(1);
  return row !== undefined;
}

/** What a wait_until counts from, read now (a visit moved in place, or a new due date, moves the wait). */
async function anchorTime(ctx: StepContext, anchor: 'appointment.start' | 'appointment.end' | 'form.due'): Promise<WaitAnchorTime | null> {
  const { tx, run, event } = ctx;
  if (anchor === 'form.due') {
    const assignmentId = event.subject['assignmentId'];
    const dueOn = isUuid(assignmentId) ? await formDueOf(tx, run.tenantId, assignmentId) : null;
    // Due "on" a day: counted from the form reminders' hour of that day in the clinic's zone.
    return dueOn ? { day: dueOn, time: REMINDER_TIME, timeZone: await clinicTimeZone(tx, run.tenantId) } : null;
  }
  const appointmentId = event.subject['appointmentId'];
  const appointment = isUuid(appointmentId) ? await appointmentOf(tx, run.tenantId, appointmentId) : null;
  if (!appointment) return null;
  return { instant: anchor === 'appointment.start' ? appointment.startsAt : appointment.endsAt };
}
