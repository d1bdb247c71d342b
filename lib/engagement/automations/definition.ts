import { orderStatuses } from '@/db/schema/commerce';
import { contactChannels, contactPurposes } from '@/db/schema/engagement';
import { appointmentStatuses } from '@/db/schema/scheduling';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { EVENT_CATALOGUE, EVENT_NAMES, type EventName } from '../event-catalogue';

/**
 * What an automation is made of (issue 18 point 2), as data: a trigger, a filter (conditions that
 * must all hold for the run to start) and steps. A closed set of condition and step kinds, each
 * with checked fields: nothing here is ever evaluated as code. The database keeps the JSON
 * (automations.filter / steps); every read parses it with these schemas again.
 *
 * Browser-safe: the CRM's builder checks its form with automationInputSchema before it is sent
 * (lib/engagement/automations/builder-form.ts), so every message here is one a person reads.
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
const TAG_WORDS = 'A tag is up to 40 lower-case letters, digits and dashes.';
export const tagSchema = z.string({ error: TAG_WORDS }).trim().toLowerCase().regex(TAG, TAG_WORDS);

/** Typed text that is stored in JSON: Postgres refuses a NUL there too, so controls are refused first. */
const text = (words: string) => withoutControlChars(z.string({ error: words }));
const uuid = (words: string) => z.string({ error: words }).uuid(words);
const whole = (words: string) => z.number({ error: words }).int(words);

export const durationUnits = ['minutes', 'hours', 'days'] as const;
export type DurationUnit = (typeof durationUnits)[number];
const UNIT_MS: Record<DurationUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const MAX_WAIT_MS = 366 * 86_400_000;

export const durationSchema = z
  .object({
    amount: whole('Enter a whole number.').min(0, 'Enter 0 or more.').max(100_000, 'Enter a smaller number.'),
    unit: z.enum(durationUnits, { error: 'Choose minutes, hours or days.' }),
  }, { error: 'Enter how long, in minutes, hours or days.' })
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
const isOrIsNot = z.enum(['in', 'not_in'], { error: 'Choose “is” or “is not”.' });
const chooseSome = (words: string) => ({ error: words });

export const conditionSchema = z.discriminatedUnion('kind', [
  /** A field of the event (the visit's service or location, the order's new status…) is / is not one of. */
  z.object({
    kind: z.literal('event'), key: text('Choose what to compare.').min(1, 'Choose what to compare.').max(60, 'Choose what to compare.'), op: isOrIsNot,
    values: z.array(text('Choose from the list.').min(1, 'Choose from the list.').max(100, 'Choose from the list.'), chooseSome('Choose at least one.'))
      .min(1, 'Choose at least one.').max(100, 'Choose at most 100.'),
  }),
  z.object({ kind: z.literal('tag'), op: z.enum(['has', 'lacks'], { error: 'Choose “has” or “does not have”.' }), tag: tagSchema }),
  /** Whole years from the date of birth, on the clinic's today. */
  z.object({
    kind: z.literal('age'), op: z.enum(['at_least', 'under'], { error: 'Choose “at least” or “under”.' }),
    years: whole('Enter an age in whole years.').min(0, 'Enter an age in whole years.').max(150, 'Enter an age under 150.'),
  }),
  z.object({ kind: z.literal('language'), values: z.array(z.string({ error: 'Choose from the list.' }).regex(/^[a-z]{2}$/, 'Choose from the list.'), chooseSome('Choose at least one language.')).min(1, 'Choose at least one language.').max(20, 'Choose at most 20 languages.') }),
  /** The patient's current answer (a care message is allowed without one, marketing needs a yes). */
  z.object({
    kind: z.literal('consent'), channel: z.enum(contactChannels, { error: 'Choose email or text messages.' }),
    purpose: z.enum(contactPurposes, { error: 'Choose care or marketing.' }), op: z.enum(['given', 'not_given'], { error: 'Choose “has agreed” or “has not agreed”.' }),
  }),
  /** The event's appointment, now. */
  z.object({ kind: z.literal('appointment_status'), op: isOrIsNot, values: z.array(z.enum(appointmentStatuses, { error: 'Choose from the list.' }), chooseSome('Choose at least one status.')).min(1, 'Choose at least one status.') }),
  /** The event's form assignment, now: still to be filled in, or submitted. */
  z.object({ kind: z.literal('form_state'), state: z.enum(['open', 'submitted'], { error: 'Choose open or submitted.' }) }),
  /** The event's invoice, now: still owed, or paid. */
  z.object({ kind: z.literal('invoice_state'), state: z.enum(['owed', 'paid'], { error: 'Choose owed or paid.' }) }),
  /** The event's order, now. */
  z.object({ kind: z.literal('order_status'), op: isOrIsNot, values: z.array(z.enum(orderStatuses, { error: 'Choose from the list.' }), chooseSome('Choose at least one status.')).min(1, 'Choose at least one status.') }),
], { error: 'Choose a kind of condition.' });
export type Condition = z.infer<typeof conditionSchema>;

export const filterSchema = z.array(conditionSchema, { error: 'Add the filter’s conditions again.' }).max(20, 'Use at most 20 filter conditions.');

// ---- Steps -------------------------------------------------------------------------------------

export const waitAnchors = ['appointment.start', 'appointment.end', 'form.due'] as const;
export type WaitAnchor = (typeof waitAnchors)[number];
/** What a wait_until does when its time had passed as the run reached it. */
export const waitIfPassed = ['stop', 'continue', 'skip_to_next_wait'] as const;
export type WaitIfPassed = (typeof waitIfPassed)[number];

export const stepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('wait'), duration: durationSchema }),
  /**
   * Until a time relative to the event's appointment or form due date ("24 hours before the
   * visit"). Re-read when the wait ends, so a visit moved in place is waited for again. When the
   * time has already passed as the run reaches it: `stop` (a 24-hour reminder for a visit booked
   * 3 hours ahead is not sent), `continue`, or `skip_to_next_wait`: leave out the steps up to the
   * next wait and go on from there (a form assigned after its first reminder's time still gets the
   * last one).
   */
  z.object({
    kind: z.literal('wait_until'), anchor: z.enum(waitAnchors, { error: 'Choose what to wait for.' }), offset: durationSchema,
    direction: z.enum(['before', 'after'], { error: 'Choose before or after.' }), ifPassed: z.enum(waitIfPassed, { error: 'Choose what happens when that time has passed.' }),
  }),
  /** Every condition holds, or the run stops here. */
  z.object({ kind: z.literal('check'), conditions: z.array(conditionSchema, chooseSome('Add a condition to check.')).min(1, 'Add a condition to check.').max(20, 'Check at most 20 conditions.') }),
  z.object({ kind: z.literal('send'), channel: z.enum(contactChannels, { error: 'Choose email or text message.' }), templateId: uuid('Choose a template.') }),
  z.object({
    kind: z.literal('task'), title: text('Enter what the task is.').trim().min(1, 'Enter what the task is.').max(200, 'Keep the title to 200 characters or fewer.'),
    details: text('Enter the details as text.').trim().max(2000, 'Keep the details to 2,000 characters or fewer.').optional(),
    assigneeStaffId: uuid('Choose someone from the list.').optional(), assigneeTeam: text('Choose a team from the list.').trim().min(1, 'Choose a team from the list.').max(80, 'Choose a team from the list.').optional(),
    dueInDays: whole('Enter a number of days from 0 to 365.').min(0, 'Enter a number of days from 0 to 365.').max(365, 'Enter a number of days from 0 to 365.').optional(),
  }),
  z.object({ kind: z.literal('tag'), op: z.enum(['add', 'remove'], { error: 'Choose add or remove.' }), tag: tagSchema }),
  z.object({ kind: z.literal('order_status'), to: z.enum(orderStatuses, { error: 'Choose the order’s new status.' }) }),
  /** POST a signed JSON body (ids only) to an outside URL, retried (webhook_deliveries). */
  z.object({ kind: z.literal('webhook'), url: text('Enter the full address, starting with https://.').trim().url('Enter the full address, starting with https://.').max(2000, 'Keep the address to 2,000 characters or fewer.') }),
], { error: 'Choose a kind of step.' });
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];

export const stepsSchema = z.array(stepSchema, { error: 'Add at least one step.' }).min(1, 'Add at least one step.').max(30, 'An automation has at most 30 steps.');

/** An automation as staff save it (createAutomation, updateAutomation) and the dry run takes it. */
export const automationInputSchema = z.object({
  name: text('Give the automation a name.').trim().min(1, 'Give the automation a name.').max(120, 'Keep the name under 120 characters.'),
  description: text('Enter the description as text.').trim().max(500, 'Keep the description under 500 characters.').optional().transform((v) => v || null),
  trigger: z.enum(TRIGGERS, { message: 'Choose what starts the automation.' }),
  filter: filterSchema,
  steps: stepsSchema,
}, { error: 'Fill in the automation’s name, trigger and steps.' });
export type AutomationInput = z.input<typeof automationInputSchema>;

/** What a run keeps of its automation when it starts (automation_runs.definition). */
export const runDefinitionSchema = z.object({ trigger: z.string(), name: z.string(), steps: stepsSchema });
export type RunDefinition = z.infer<typeof runDefinitionSchema>;

/** A step's words for the CRM and the run log ("Wait 1 day", "Send an email"). */
export function describeStep(step: Step, templateName?: (id: string) => string | undefined): string {
  switch (step.kind) {
    case 'wait':
      return `Wait ${describeDuration(step.duration)}`;
    case 'wait_until':
      return `Wait until ${describeDuration(step.offset)} ${step.direction} ${ANCHOR_WORDS[step.anchor]}${IF_PASSED_WORDS[step.ifPassed]}`;
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

const IF_PASSED_WORDS: Record<WaitIfPassed, string> = {
  stop: ' (stop if that time has passed)',
  continue: '',
  skip_to_next_wait: ' (if that time has passed, skip to the next wait)',
};

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
