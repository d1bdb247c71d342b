import 'server-only';
import { and, eq, notExists, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { automations, tenants, tenantSettings } from '@/db/schema';
import { now } from '@/lib/clock';
import { ensureBuiltinTemplates, type BuiltinTemplateKey } from '../templates/builtins';
import type { Condition, Step, Trigger } from './definition';

/**
 * The automations every clinic starts with, switched on (issue 18 point 3): visit reminders 24
 * hours and 2 hours before (each stops when the visit was cancelled or moved — a move starts new
 * runs for the new visit — and is not sent when the time had passed at booking), form-due
 * reminders, a follow-up the day after a visit, and a notice when a subscription's payment fails.
 * Clinics edit, pause or switch them off like any other; they are installed once per clinic
 * (builtin_key is unique), at clinic creation and, for clinics made before, by a job.
 *
 * The form-due reminders are the only form reminders there are (the forms' own reminder job is
 * gone): they are made from the clinic's form reminder days (tenant_settings, "first" and
 * "last", days before the due date; 0 leaves one out) as they are when installed, and from then
 * on the automation is what clinics edit.
 */

/** The clinic's settings the built-ins are made from, read when they are installed. */
export interface BuiltinSettings {
  formFirstReminderDays: number;
  formLastReminderDays: number;
}

interface BuiltinAutomation {
  name: string;
  description: (settings: BuiltinSettings) => string;
  trigger: Trigger;
  filter: Condition[];
  steps: (templates: Record<BuiltinTemplateKey, string>, settings: BuiltinSettings) => Step[];
  /** Installed paused rather than on: the clinic had this switched off. */
  installPaused?: (settings: BuiltinSettings) => boolean;
}

const hours = (amount: number) => ({ amount, unit: 'hours' as const });
const visitStillBooked: Step = { kind: 'check', conditions: [{ kind: 'appointment_status', op: 'in', values: ['booked'] }] };

/** The form reminders' days before the due date, earliest reminder first (none: the clinic had them off). */
export function formReminderDays(settings: BuiltinSettings): number[] {
  return [...new Set([settings.formFirstReminderDays, settings.formLastReminderDays].filter((d) => d > 0))].sort((a, b) => b - a);
}

/** With the clinic's reminders off, the automation is installed paused with one reminder the day before. */
const PAUSED_FORM_REMINDER_DAYS = [1];

/**
 * One block a reminder: wait until N days before the due date (09:00 in the clinic's zone), check
 * the form is still to be filled in, email, text. A reminder whose time had passed when the form
 * was assigned is left out — the first skips to the next reminder, the last stops the run — and a
 * form sent (or cancelled, or expired) stops the run at the next check.
 */
export function formReminderSteps(templates: Pick<Record<BuiltinTemplateKey, string>, 'form-due-reminder-email' | 'form-due-reminder-sms'>, settings: BuiltinSettings): Step[] {
  const chosen = formReminderDays(settings);
  const days = chosen.length > 0 ? chosen : PAUSED_FORM_REMINDER_DAYS;
  return days.flatMap((amount, i): Step[] => [
    { kind: 'wait_until', anchor: 'form.due', offset: { amount, unit: 'days' }, direction: 'before', ifPassed: i < days.length - 1 ? 'skip_to_next_wait' : 'stop' },
    { kind: 'check', conditions: [{ kind: 'form_state', state: 'open' }] },
    { kind: 'send', channel: 'email', templateId: templates['form-due-reminder-email'] },
    { kind: 'send', channel: 'sms', templateId: templates['form-due-reminder-sms'] },
  ]);
}

const dayWords = (d: number) => (d === 1 ? '1 day' : `${d} days`);

export const BUILTIN_AUTOMATIONS = {
  'visit-reminder-24h': {
    name: 'Visit reminder, 24 hours before',
    description: () => 'An email and a text the day before each visit, with links to confirm or cancel.',
    trigger: 'appointment.scheduled',
    filter: [],
    steps: (t) => [
      { kind: 'wait_until', anchor: 'appointment.start', offset: hours(24), direction: 'before', ifPassed: 'stop' },
      visitStillBooked,
      { kind: 'send', channel: 'email', templateId: t['appointment-reminder-24h-email'] },
      { kind: 'send', channel: 'sms', templateId: t['appointment-reminder-24h-sms'] },
    ],
  },
  'visit-reminder-2h': {
    name: 'Visit reminder, 2 hours before',
    description: () => 'A text two hours before each visit.',
    trigger: 'appointment.scheduled',
    filter: [],
    steps: (t) => [
      { kind: 'wait_until', anchor: 'appointment.start', offset: hours(2), direction: 'before', ifPassed: 'stop' },
      visitStillBooked,
      { kind: 'send', channel: 'sms', templateId: t['appointment-reminder-2h-sms'] },
    ],
  },
  'form-due-reminder': {
    name: 'Form due reminder',
    description: (s) => {
      const days = formReminderDays(s);
      return `An email and a text ${(days.length > 0 ? days : PAUSED_FORM_REMINDER_DAYS).map(dayWords).join(' and ')} before a form is due, while it is still to be filled in.`;
    },
    trigger: 'form.assigned',
    filter: [],
    steps: formReminderSteps,
    installPaused: (s) => formReminderDays(s).length === 0,
  },
  'visit-follow-up': {
    name: 'Follow-up after a visit',
    description: () => 'An email the day after a completed visit, pointing to the portal.',
    trigger: 'appointment.completed',
    filter: [],
    steps: (t) => [
      { kind: 'wait', duration: hours(24) },
      { kind: 'send', channel: 'email', templateId: t['visit-follow-up-email'] },
    ],
  },
  'payment-failed': {
    name: 'Failed payment notice',
    description: () => 'An email and a text when a subscription’s payment fails, asking the patient to update their card.',
    trigger: 'subscription.renewal_failed',
    filter: [],
    steps: (t) => [
      { kind: 'send', channel: 'email', templateId: t['payment-failed-email'] },
      { kind: 'send', channel: 'sms', templateId: t['payment-failed-sms'] },
    ],
  },
} as const satisfies Record<string, BuiltinAutomation>;

export type BuiltinAutomationKey = keyof typeof BUILTIN_AUTOMATIONS;
export const BUILTIN_AUTOMATION_KEYS = Object.keys(BUILTIN_AUTOMATIONS) as BuiltinAutomationKey[];

/**
 * Installs the clinic's built-in templates and automations (active, or paused where the clinic's
 * settings had it off) that it does not have yet. Idempotent and safe to race: the inserts skip a
 * builtin_key that exists.
 */
export async function ensureBuiltinAutomations(tx: Executor, tenantId: string, at: Date = now()): Promise<number> {
  const templates = await ensureBuiltinTemplates(tx, tenantId);
  const [row] = await tx
    .select({ formFirstReminderDays: tenantSettings.formFirstReminderDays, formLastReminderDays: tenantSettings.formLastReminderDays })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  // A clinic without a settings row has no reminders chosen: as with both days at 0.
  const settings: BuiltinSettings = row ?? { formFirstReminderDays: 0, formLastReminderDays: 0 };
  const made = await tx
    .insert(automations)
    .values(BUILTIN_AUTOMATION_KEYS.map((key) => {
      const b: BuiltinAutomation = BUILTIN_AUTOMATIONS[key];
      const paused = b.installPaused?.(settings) ?? false;
      return {
        tenantId, builtinKey: key, name: b.name, description: b.description(settings), trigger: b.trigger, filter: b.filter, steps: b.steps(templates, settings),
        status: paused ? ('paused' as const) : ('active' as const), activeSince: paused ? null : at, createdAt: at, updatedAt: at,
      };
    }))
    .onConflictDoNothing({ target: [automations.tenantId, automations.builtinKey], where: sql`builtin_key is not null` })
    .returning({ id: automations.id });
  return made.length;
}

/**
 * The job for clinics created before the built-ins existed: each clinic still without them gets
 * them (a handful per pass; a clinic that has the first has all, as they go in together).
 */
export async function installMissingBuiltins(db: Database, at: Date = now()): Promise<{ builtinAutomationsInstalled: number }> {
  const missing = await db
    .select({ id: tenants.id })
    .from(tenants)
    .where(notExists(db.select({ one: sql`1` }).from(automations).where(and(eq(automations.tenantId, tenants.id), eq(automations.builtinKey, 'visit-reminder-24h')))))
    .limit(20);
  let installed = 0;
  for (const tenant of missing) installed += await db.transaction((tx) => ensureBuiltinAutomations(tx, tenant.id, at));
  return { builtinAutomationsInstalled: installed };
}
