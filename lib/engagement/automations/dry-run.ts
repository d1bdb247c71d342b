import 'server-only';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { domainEvents, messageTemplates, patients } from '@/db/schema';
import { assertPermission, hasPermission, type StaffContext } from '@/lib/access/context';
import { clinicTimeZone, REMINDER_TIME } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { mayContact } from '../consent';
import { isEventName } from '../events';
import { automationInputSchema, AutomationRuleError } from './automations';
import { describeCondition, describeStep, durationMs, eventsOfTrigger, type Step } from './definition';
import { firstFailing, neededFacts } from './evaluate';
import { appointmentOf, formDueOf, loadFacts, type EventRef } from './facts';
import { nextWaitIndex, waitUntilTarget, type WaitAnchorTime } from './wait-until';

/**
 * "What would have happened" (issue 18 point 2): the automation as it is in the editor (saved or
 * not) against the clinic's last 20 events of its trigger. Reads only: nothing is queued, tagged or
 * moved. Conditions and consent are answered as they are now (the dry run cannot know the past
 * state of a visit); waits are laid out from the event's time, so "would send at" shows when.
 */

export const DRY_RUN_EVENTS = 20;
const PASSED_GRACE_MS = 5 * 60_000;

export interface DryRunStep {
  index: number;
  description: string;
  outcome: 'done' | 'wait' | 'skip' | 'stop';
  detail: string;
  at: Date;
}

export interface DryRunEvent {
  eventId: string;
  eventName: string;
  occurredAt: Date;
  /** "Maria Lopez (SUN-10001)" for staff who may see patients, else "A patient". */
  patientLabel: string;
  matched: boolean;
  /** Why the filter left it out. */
  filteredOut: string | null;
  steps: DryRunStep[];
}

export async function dryRunAutomation(db: Executor, ctx: StaffContext, input: unknown, at: Date = now()): Promise<DryRunEvent[]> {
  assertPermission(ctx, 'automations.manage');
  const parsed = automationInputSchema.safeParse(input);
  if (!parsed.success) throw new AutomationRuleError([parsed.error.issues[0]?.message ?? 'The automation is not complete yet.']);
  const { trigger, filter, steps } = parsed.data;
  const tenantId = ctx.tenant.id;
  const events = await db
    .select()
    .from(domainEvents)
    .where(and(eq(domainEvents.tenantId, tenantId), inArray(domainEvents.name, eventsOfTrigger(trigger))))
    .orderBy(desc(domainEvents.occurredAt), desc(domainEvents.id))
    .limit(DRY_RUN_EVENTS);
  const mayView = hasPermission(ctx, 'patients.view');
  const patientIds = [...new Set(events.flatMap((e) => (e.patientId ? [e.patientId] : [])))];
  const names = mayView && patientIds.length > 0
    ? new Map((await db.select({ id: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber })
      .from(patients).where(and(eq(patients.tenantId, tenantId), inArray(patients.id, patientIds)))).map((p) => [p.id, `${p.firstName} ${p.lastName} (${p.recordNumber})`]))
    : new Map<string, string>();
  const templateIds = steps.flatMap((s) => (s.kind === 'send' ? [s.templateId] : []));
  const templates = templateIds.length === 0 ? new Map<string, { name: string; purpose: 'care' | 'marketing' }>()
    : new Map((await db.select({ id: messageTemplates.id, name: messageTemplates.name, purpose: messageTemplates.purpose }).from(messageTemplates)
      .where(and(eq(messageTemplates.tenantId, tenantId), inArray(messageTemplates.id, templateIds)))).map((t) => [t.id, t]));
  const zone = await clinicTimeZone(db, tenantId);

  const results: DryRunEvent[] = [];
  for (const event of events) {
    if (!isEventName(event.name)) continue;
    const ref: EventRef = { tenantId, patientId: event.patientId, subject: event.subject };
    const facts = await loadFacts(db, ref, neededFacts(filter), at);
    const failing = firstFailing(filter, facts);
    const base = {
      eventId: event.id, eventName: event.name, occurredAt: event.occurredAt,
      patientLabel: (event.patientId && names.get(event.patientId)) || 'A patient',
    };
    if (failing) {
      results.push({ ...base, matched: false, filteredOut: `Not ${describeCondition(failing)}.`, steps: [] });
      continue;
    }
    results.push({ ...base, matched: true, filteredOut: null, steps: await simulate(db, tenantId, ref, event.occurredAt, steps, templates, zone, at) });
  }
  return results;
}

async function simulate(
  db: Executor, tenantId: string, event: EventRef, start: Date, steps: readonly Step[],
  templates: Map<string, { name: string; purpose: 'care' | 'marketing' }>, zone: string, at: Date,
): Promise<DryRunStep[]> {
  const out: DryRunStep[] = [];
  let time = start;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index]!;
    const description = describeStep(step, (id) => templates.get(id)?.name);
    const push = (outcome: DryRunStep['outcome'], detail: string) => out.push({ index, description, outcome, detail, at: time });
    if (step.kind === 'wait') {
      time = new Date(time.getTime() + durationMs(step.duration));
      push('wait', 'Would wait until then.');
      continue;
    }
    if (step.kind === 'wait_until') {
      let anchor: WaitAnchorTime | null = null;
      if (step.anchor === 'form.due') {
        const id = event.subject['assignmentId'];
        const dueOn = isUuid(id) ? await formDueOf(db, tenantId, id) : null;
        anchor = dueOn ? { day: dueOn, time: REMINDER_TIME, timeZone: zone } : null;
      } else {
        const id = event.subject['appointmentId'];
        const appointment = isUuid(id) ? await appointmentOf(db, tenantId, id) : null;
        anchor = appointment ? { instant: step.anchor === 'appointment.start' ? appointment.startsAt : appointment.endsAt } : null;
      }
      if (!anchor) {
        push('stop', step.anchor === 'form.due' ? 'Would stop: the form has no due date.' : 'Would stop: the visit no longer exists.');
        return out;
      }
      const target = waitUntilTarget(step, anchor);
      if (target.getTime() < time.getTime() - PASSED_GRACE_MS && step.ifPassed === 'stop') {
        push('stop', 'Would stop: that time had already passed when the event happened.');
        return out;
      }
      if (target.getTime() < time.getTime() - PASSED_GRACE_MS && step.ifPassed === 'skip_to_next_wait') {
        const skipTo = nextWaitIndex(steps, index);
        push('skip', 'Would skip: that time had already passed when the event happened.');
        for (let left = index + 1; left < skipTo; left++) {
          out.push({ index: left, description: describeStep(steps[left]!, (id) => templates.get(id)?.name), outcome: 'skip', detail: `Would skip with step ${index + 1}.`, at: time });
        }
        index = skipTo - 1;
        continue;
      }
      if (target.getTime() > time.getTime()) time = target;
      push('wait', 'Would wait until then.');
      continue;
    }
    if (step.kind === 'check') {
      const failing = firstFailing(step.conditions, await loadFacts(db, event, neededFacts(step.conditions), at));
      if (failing) {
        push('stop', `Would stop: not ${describeCondition(failing)} (as of now).`);
        return out;
      }
      push('done', 'Every condition holds (as of now).');
      continue;
    }
    if (step.kind === 'send') {
      const template = templates.get(step.templateId);
      if (!template || !event.patientId) {
        push('skip', !template ? 'Would skip: the template is missing.' : 'Would skip: the event has no patient.');
        continue;
      }
      const decision = await mayContact(db, tenantId, event.patientId, step.channel, template.purpose);
      push(decision.ok ? 'done' : 'skip', decision.ok ? 'Would be queued to the patient.'
        : decision.reason === 'no-address' ? 'Would skip: no address on file for this channel.'
          : decision.reason === 'no-consent' ? 'Would skip: the patient has not agreed to these messages.'
            : 'Would skip: the address is on the do-not-send list.');
      continue;
    }
    push('done', step.kind === 'webhook' ? 'Would be called with the event’s ids.' : 'Would be done.');
  }
  return out;
}
