import { assignmentSources } from '@/db/schema/forms';
import { portalRelationships } from '@/db/schema/identity';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { subjectKeysOf, triggerHas, TRIGGERS, type Trigger } from './definition';

/**
 * The CRM's words for automations (issue 18 point 2), shared by the list, the builder and the run
 * logs; browser-safe. Triggers are grouped as the builder's select shows them; the "add a step"
 * and "add a condition" menus name each kind once (a step's kind is fixed once added: to change it,
 * remove the step and add another, so the form never has to swap fields without JavaScript).
 */

export const TRIGGER_GROUPS: readonly { label: string; triggers: readonly { value: Trigger; label: string }[] }[] = [
  {
    label: 'Visits',
    triggers: [
      { value: 'appointment.scheduled', label: 'A visit is booked or moved' },
      { value: 'appointment.booked', label: 'A visit is booked' },
      { value: 'appointment.rescheduled', label: 'A visit is moved to a new time' },
      { value: 'appointment.cancelled', label: 'A visit is cancelled' },
      { value: 'appointment.completed', label: 'A visit is completed' },
      { value: 'appointment.no_show', label: 'A patient misses a visit' },
    ],
  },
  {
    label: 'Patients',
    triggers: [
      { value: 'patient.created', label: 'A patient is added' },
      { value: 'portal_account.activated', label: 'Someone gets portal access for a patient' },
      { value: 'document.published', label: 'A document is shared with the patient' },
      { value: 'message.received', label: 'A patient sends a message' },
    ],
  },
  {
    label: 'Forms',
    triggers: [
      { value: 'form.assigned', label: 'A form is assigned' },
      { value: 'form.submitted', label: 'A form is submitted' },
    ],
  },
  {
    label: 'Billing',
    triggers: [
      { value: 'invoice.issued', label: 'An invoice is issued' },
      { value: 'invoice.paid', label: 'An invoice is paid' },
      { value: 'invoice.overdue', label: 'An invoice becomes overdue' },
    ],
  },
  {
    label: 'Shop',
    triggers: [
      { value: 'order.status_changed', label: 'An order changes status' },
      { value: 'subscription.renewed', label: 'A subscription renews' },
      { value: 'subscription.renewal_failed', label: 'A subscription payment fails' },
      { value: 'subscription.cancelled', label: 'A subscription is cancelled' },
    ],
  },
];

const TRIGGER_WORDS = new Map<string, string>(TRIGGER_GROUPS.flatMap((g) => g.triggers.map((t) => [t.value, t.label] as const)));

/** "A form is submitted"; an unknown name (a trigger retired since) is shown as stored. */
export function triggerWords(trigger: string): string {
  return TRIGGER_WORDS.get(trigger) ?? trigger;
}

/** The event a run or a dry run started on ("A visit is booked"). */
export const eventWords = triggerWords;

// ---- Steps -------------------------------------------------------------------------------------

/** The "add a step" menu: send is one entry per channel (the channel is fixed with the step). */
export const STEP_CHOICES = [
  { value: 'wait', label: 'Wait a while' },
  { value: 'wait_until', label: 'Wait until a time before or after the visit or due date' },
  { value: 'check', label: 'Check conditions (continue or stop)' },
  { value: 'send-email', label: 'Send an email' },
  { value: 'send-sms', label: 'Send a text message' },
  { value: 'task', label: 'Create a task' },
  { value: 'tag', label: 'Add or remove a patient tag' },
  { value: 'order_status', label: 'Change the order’s status' },
  { value: 'webhook', label: 'Call an outside address (webhook)' },
] as const;
export type StepChoice = (typeof STEP_CHOICES)[number]['value'];

/** A step's heading in the builder ("Send an email"). */
export function stepHeading(kind: string, channel?: string): string {
  if (kind === 'send') return channel === 'sms' ? 'Send a text message' : 'Send an email';
  if (kind === 'wait') return 'Wait';
  if (kind === 'wait_until') return 'Wait until';
  if (kind === 'check') return 'Check conditions';
  if (kind === 'task') return 'Create a task';
  if (kind === 'tag') return 'Patient tag';
  if (kind === 'order_status') return 'Change the order’s status';
  if (kind === 'webhook') return 'Call an outside address';
  return 'Step';
}

export const DURATION_UNIT_WORDS = { minutes: 'Minutes', hours: 'Hours', days: 'Days' } as const;
export const ANCHOR_WORDS = { 'appointment.start': 'the visit starts', 'appointment.end': 'the visit ends', 'form.due': 'the form is due' } as const;

/** The anchors a "wait until" can use with this trigger (the visit's, the form's due date). */
export function anchorsFor(trigger: string): (keyof typeof ANCHOR_WORDS)[] {
  if (!isKnownTrigger(trigger)) return ['appointment.start', 'appointment.end', 'form.due'];
  return [
    ...(triggerHas(trigger, 'appointmentId') ? (['appointment.start', 'appointment.end'] as const) : []),
    ...(triggerHas(trigger, 'assignmentId') ? (['form.due'] as const) : []),
  ];
}

// ---- Conditions --------------------------------------------------------------------------------

/** Fields of an event a filter can compare, in words; other fields (ids of the row itself) are not offered. */
export const EVENT_KEY_WORDS: Readonly<Record<string, string>> = {
  serviceId: 'The visit’s service',
  locationId: 'The visit’s location',
  providerId: 'Who the visit is with',
  templateId: 'The form',
  source: 'How the form was assigned',
  documentTypeId: 'The document’s type',
  relationship: 'Who got portal access',
  productId: 'The product',
  from: 'The order’s previous status',
  to: 'The order’s new status',
};

export const SOURCE_WORDS: Record<(typeof assignmentSources)[number], string> = {
  chart: 'From the chart', invite: 'With a portal invitation', booking: 'Required by a booked service', order: 'Required by an order',
};
export const RELATIONSHIP_WORDS: Record<(typeof portalRelationships)[number], string> = {
  self: 'The patient', parent: 'A parent', guardian: 'A guardian', caregiver: 'A caregiver', spouse: 'A spouse', other: 'Someone else',
};

const CONDITION_WORDS = {
  tag: 'The patient’s tags',
  age: 'The patient’s age',
  language: 'The patient’s language',
  consent: 'The patient’s consent',
  appointment_status: 'The visit’s status now',
  form_state: 'The form’s state now',
  invoice_state: 'The invoice’s state now',
  order_status: 'The order’s status now',
} as const;

function isKnownTrigger(trigger: string): trigger is Trigger {
  return (TRIGGERS as readonly string[]).includes(trigger);
}

/**
 * The "add a condition" menu for a trigger: the event's comparable fields (`event:serviceId`),
 * then the patient's, then the state now of what the event is about.
 */
export function conditionChoicesFor(trigger: string): { value: string; label: string }[] {
  const known = isKnownTrigger(trigger);
  const keys = known ? subjectKeysOf(trigger).filter((k) => k in EVENT_KEY_WORDS) : [];
  const has = (key: Parameters<typeof triggerHas>[1]) => known && triggerHas(trigger, key);
  return [
    ...keys.map((k) => ({ value: `event:${k}`, label: EVENT_KEY_WORDS[k]! })),
    { value: 'tag', label: CONDITION_WORDS.tag },
    { value: 'age', label: CONDITION_WORDS.age },
    { value: 'language', label: CONDITION_WORDS.language },
    { value: 'consent', label: CONDITION_WORDS.consent },
    ...(has('appointmentId') ? [{ value: 'appointment_status', label: CONDITION_WORDS.appointment_status }] : []),
    ...(has('assignmentId') ? [{ value: 'form_state', label: CONDITION_WORDS.form_state }] : []),
    ...(has('invoiceId') ? [{ value: 'invoice_state', label: CONDITION_WORDS.invoice_state }] : []),
    ...(has('orderId') ? [{ value: 'order_status', label: CONDITION_WORDS.order_status }] : []),
  ];
}

/** A condition's legend in the builder ("The visit’s service"). */
export function conditionHeading(kind: string, key?: string): string {
  if (kind === 'event') return (key && EVENT_KEY_WORDS[key]) || 'A field of the event';
  return CONDITION_WORDS[kind as keyof typeof CONDITION_WORDS] ?? 'Condition';
}

// ---- Runs --------------------------------------------------------------------------------------

export const AUTOMATION_STATUS_WORDS = { draft: 'Draft', active: 'On', paused: 'Paused' } as const;
export const RUN_STATUS_WORDS = { waiting: 'Waiting', completed: 'Completed', stopped: 'Stopped', failed: 'Failed' } as const;
export const LOG_OUTCOME_WORDS: Readonly<Record<string, string>> = { done: 'Done', skipped: 'Skipped', waiting: 'Waiting', stopped: 'Stopped', failed: 'Failed' };
export const DRY_RUN_OUTCOME_WORDS = { done: 'Would do', wait: 'Would wait', skip: 'Would skip', stop: 'Would stop' } as const;

/**
 * An instant in the clinic's zone as the automation pages say it: "Tue, Dec 8, 9:00 AM" (with the
 * year when it is not this year's).
 */
export function clinicTimeFormatter(timeZone: string, now: Date): (at: Date) => string {
  const year = dateTimeFormat('en-US', { year: 'numeric', timeZone });
  const thisYear = year.format(now);
  const short = dateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone });
  const long = dateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone });
  return (at) => (year.format(at) === thisYear ? short : long).format(at);
}
