import { z } from 'zod';
import { appointmentStatuses, contactChannels, contactPurposes, orderStatuses } from '@/db/schema';
import { EVENT_CATALOGUE, EVENT_NAMES, type EventName } from '../events';

/**
 * What an automation is made of (issue 18 point 2), as data: a trigger, a filter (conditions that
 * must all hold for the run to start) and steps. A closed set of condition and step kinds, each
 * with checked fields: nothing here is ever evaluated as code. The database keeps the JSON
 * (automations.filter / steps); every read parses it with these schemas again.
 */

/**
 * The events an automation can start on: every domain event, and "appointment.scheduled" — a
 * visit booked or moved — so a reminder follows a visit to its new time with one automation
 * (the move cancels the old appointment, whose run then stops at its check).
 */
export const TRIGGERS = [...EVENT_NAMES, 'appointment.scheduled'] as const;
export type Trigger = EventName | 'appointment.scheduled';

export function isTrigger(value: unknown): value is Trigger {
  return typeof value === 'string' && (TRIGGERS as readonly string[]).includes(value);
}

/** The events a trigger stands for. */
export function eventsOfTrigger(trigger: Trigger): EventName[] {
  return trigger === 'appointment.scheduled' ? ['appointment.booked', 'appointment.rescheduled'] : [trigger];
}

/** The triggers an event starts (its own name, and the composite ones that include it). */
export function triggersOfEvent(name: EventName): Trigger[] {
  return name === 'appointment.booked' || name === 'appointment.rescheduled' ? [name, 'appointment.scheduled'] : [name];
}

/** The subject keys a filter can test for a trigger: ids and closed words (never counts). */
export function subjectKeysOf(trigger: Trigger): string[] {
  const shape = EVENT_CATALOGUE[eventsOfTrigger(trigger)[0]!] as Record<string, { kind: string }>;
  return Object.entries(shape).filter(([, field]) => field.kind !== 'count').map(([key]) => key);
}

/** The subject carries an appointment / a form assignment / an invoice / an order. */
export function triggerHas(trigger: Trigger, key: 'appointmentId' | 'assignmentId' | 'invoiceId' | 'orderId' | 'subscriptionId'): boolean {
  return subjectKeysOf(trigger).includes(key);
}

const TAG = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const tagSchema = z.string().trim().toLowerCase().regex(TAG, 'A tag is up to 40 lower-case letters, digits and dashes.');

const uuid = z.string().uuid();

export const durationUnits = ['minutes', 'hours', 'days'] as const;
export type DurationUnit = (typeof durationUnits)[number];
const UNIT_MS: Record<DurationUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const MAX_WAIT_MS = 366 * 86_400_000;

export const durationSchema = z
  .object({ amount: z.number().int().min(0).max(100_000), unit: z.enum(durationUnits) })
  .refine((d) => d.amount * UNIT_MS[d.unit] <= MAX_WAIT_MS, 'A wait is at most a year.');
export type Duration = z.infer<typeof durationSchema>;

export function durationMs(d: Duration): number {
  return d.amount * UNIT_MS[d.unit];
}

// ---- Conditions ------------------------------------------------------------------------------

/**
 * Conditions, for the filter (checked when the event is matched) and for "check" steps (checked
 * when the run reaches them, so they see the state then: the visit may have been cancelled).
 */
export const conditionSchema = z.discriminatedUnion('kind', [
  /** A field of the event (the visit's service or location, the order's new status…) is / is not one of. */
  z.object({ kind: z.literal('event'), key: z.string().min(1).max(60), op: z.enum(['in', 'not_in']), values: z.array(z.string().min(1).max(100)).min(1).max(100) }),
  z.object({ kind: z.literal('tag'), op: z.enum(['has', 'lacks']), tag: tagSchema }),
  /** Whole years from the date of birth, on the clinic's today. */
  z.object({ kind: z.literal('age'), op: z.enum(['at_least', 'under']), years: z.number().int().min(0).max(150) }),
  z.object({ kind: z.literal('language'), values: z.array(z.string().regex(/^[a-z]{2}$/)).min(1).max(20) }),
  /** The patient's current answer (a care message is allowed without one, marketing needs a yes). */
  z.object({ kind: z.literal('consent'), channel: z.enum(contactChannels), purpose: z.enum(contactPurposes), op: z.enum(['given', 'not_given']) }),
  /** The event's appointment, now. */
  z.object({ kind: z.literal('appointment_status'), op: z.enum(['in', 'not_in']), values: z.array(z.enum(appointmentStatuses)).min(1) }),
  /** The event's form assignment, now: still to be filled in, or submitted. */
  z.object({ kind: z.literal('form_state'), state: z.enum(['open', 'submitted']) }),
  /** The event's invoice, now: still owed, or paid. */
  z.object({ kind: z.literal('invoice_state'), state: z.enum(['owed', 'paid']) }),
  /** The event's order, now. */
  z.object({ kind: z.literal('order_status'), op: z.enum(['in', 'not_in']), values: z.array(z.enum(orderStatuses)).min(1) }),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const filterSchema = z.array(conditionSchema).max(20);

// ---- Steps -------------------------------------------------------------------------------------

export const waitAnchors = ['appointment.start', 'appointment.end', 'form.due'] as const;
export type WaitAnchor = (typeof waitAnchors)[number];

export const stepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('wait'), duration: durationSchema }),
  /**
   * Until a time relative to the event's appointment or form due date ("24 hours before the
   * visit"). Re-read when the wait ends, so a visit moved in place is waited for again. When the
   * time has already passed as the run reaches it: `stop` (a 24-hour reminder for a visit booked
   * 3 hours ahead is not sent) or `continue`.
   */
  z.object({
    kind: z.literal('wait_until'), anchor: z.enum(waitAnchors), offset: durationSchema, direction: z.enum(['before', 'after']),
    ifPassed: z.enum(['stop', 'continue']),
  }),
  /** Every condition holds, or the run stops here. */
  z.object({ kind: z.literal('check'), conditions: z.array(conditionSchema).min(1).max(20) }),
  z.object({ kind: z.literal('send'), channel: z.enum(contactChannels), templateId: uuid }),
  z.object({
    kind: z.literal('task'), title: z.string().trim().min(1).max(200), details: z.string().trim().max(2000).optional(),
    assigneeStaffId: uuid.optional(), assigneeTeam: z.string().trim().min(1).max(80).optional(), dueInDays: z.number().int().min(0).max(365).optional(),
  }),
  z.object({ kind: z.literal('tag'), op: z.enum(['add', 'remove']), tag: tagSchema }),
  z.object({ kind: z.literal('order_status'), to: z.enum(orderStatuses) }),
  /** POST a signed JSON body (ids only) to an outside URL, retried (webhook_deliveries). */
  z.object({ kind: z.literal('webhook'), url: z.string().trim().url().max(2000) }),
]);
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];

export const stepsSchema = z.array(stepSchema).min(1).max(30);

/** What a run keeps of its automation when it starts (automation_runs.definition). */
export const runDefinitionSchema = z.object({ trigger: z.string(), name: z.string(), steps: stepsSchema });
export type RunDefinition = z.infer<typeof runDefinitionSchema>;

/** A step's words for the CRM and the run log ("Wait 1 day", "Send an email"). */
export function describeStep(step: Step, templateName?: (id: string) => string | undefined): string {
  switch (step.kind) {
    case 'wait':
      return `Wait ${describeDuration(step.duration)}`;
    case 'wait_until':
      return `Wait until ${describeDuration(step.offset)} ${step.direction} ${ANCHOR_WORDS[step.anchor]}${step.ifPassed === 'stop' ? ' (stop if that time has passed)' : ''}`;
    case 'check':
      return `Continue only if ${step.conditions.map(describeCondition).join(' and ')}`;
    case 'send': {
      const name = templateName?.(step.templateId);
      return `Send ${step.channel === 'email' ? 'an email' : 'a text message'}${name ? ` (“${name}”)` : ''}`;
    }
    case 'task':
      return `Create a task: ${step.title}`;
    case 'tag':
      return step.op === 'add' ? `Tag the patient “${step.tag}”` : `Remove the tag “${step.tag}”`;
    case 'order_status':
      return `Move the order to ${step.to.replaceAll('_', ' ')}`;
    case 'webhook':
      return `Call ${safeHost(step.url)}`;
  }
}

const ANCHOR_WORDS: Record<WaitAnchor, string> = { 'appointment.start': 'the visit starts', 'appointment.end': 'the visit ends', 'form.due': 'the form is due' };

export function describeDuration(d: Duration): string {
  const unit = d.amount === 1 ? d.unit.slice(0, -1) : d.unit;
  return `${d.amount} ${unit}`;
}

export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'event':
      return `the event’s ${c.key} is ${c.op === 'in' ? '' : 'not '}one of ${c.values.length} chosen`;
    case 'tag':
      return c.op === 'has' ? `the patient is tagged “${c.tag}”` : `the patient is not tagged “${c.tag}”`;
    case 'age':
      return c.op === 'at_least' ? `the patient is at least ${c.years}` : `the patient is under ${c.years}`;
    case 'language':
      return `the patient’s language is ${c.values.join(' or ')}`;
    case 'consent':
      return `the patient has ${c.op === 'given' ? '' : 'not '}agreed to ${c.purpose} ${c.channel === 'sms' ? 'texts' : 'email'}`;
    case 'appointment_status':
      return `the visit is ${c.op === 'in' ? '' : 'not '}${c.values.map((v) => v.replaceAll('_', ' ')).join(' or ')}`;
    case 'form_state':
      return c.state === 'open' ? 'the form is still to be filled in' : 'the form is submitted';
    case 'invoice_state':
      return c.state === 'owed' ? 'the invoice is still owed' : 'the invoice is paid';
    case 'order_status':
      return `the order is ${c.op === 'in' ? '' : 'not '}${c.values.map((v) => v.replaceAll('_', ' ')).join(' or ')}`;
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an outside address';
  }
}
