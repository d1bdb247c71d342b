import 'server-only';
import { and, eq, notExists, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { automations, tenants } from '@/db/schema';
import { now } from '@/lib/clock';
import { ensureBuiltinTemplates, type BuiltinTemplateKey } from '../templates/builtins';
import type { Condition, Step, Trigger } from './definition';

/**
 * The automations every clinic starts with, switched on (issue 18 point 3): visit reminders 24
 * hours and 2 hours before (each stops when the visit was cancelled or moved — a move starts new
 * runs for the new visit — and is not sent when the time had passed at booking), a reminder the
 * day before a form is due, a follow-up the day after a visit, and a notice when a subscription's
 * payment fails. Clinics edit, pause or switch them off like any other; they are installed once
 * per clinic (builtin_key is unique), at clinic creation and, for clinics made before, by a job.
 */

interface BuiltinAutomation {
  name: string;
  description: string;
  trigger: Trigger;
  filter: Condition[];
  steps: (templates: Record<BuiltinTemplateKey, string>) => Step[];
}

const hours = (amount: number) => ({ amount, unit: 'hours' as const });
const visitStillBooked: Step = { kind: 'check', conditions: [{ kind: 'appointment_status', op: 'in', values: ['booked'] }] };

export const BUILTIN_AUTOMATIONS = {
  'visit-reminder-24h': {
    name: 'Visit reminder, 24 hours before',
    description: 'An email and a text the day before each visit, with links to confirm or cancel.',
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
    description: 'A text two hours before each visit.',
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
    description: 'An email and a text the day before a form is due, if it is still to be filled in.',
    trigger: 'form.assigned',
    filter: [],
    steps: (t) => [
      { kind: 'wait_until', anchor: 'form.due', offset: hours(24), direction: 'before', ifPassed: 'stop' },
      { kind: 'check', conditions: [{ kind: 'form_state', state: 'open' }] },
      { kind: 'send', channel: 'email', templateId: t['form-due-reminder-email'] },
      { kind: 'send', channel: 'sms', templateId: t['form-due-reminder-sms'] },
    ],
  },
  'visit-follow-up': {
    name: 'Follow-up after a visit',
    description: 'An email the day after a completed visit, pointing to the portal.',
    trigger: 'appointment.completed',
    filter: [],
    steps: (t) => [
      { kind: 'wait', duration: hours(24) },
      { kind: 'send', channel: 'email', templateId: t['visit-follow-up-email'] },
    ],
  },
  'payment-failed': {
    name: 'Failed payment notice',
    description: 'An email and a text when a subscription’s payment fails, asking the patient to update their card.',
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
 * Installs the clinic's built-in templates and automations (active) that it does not have yet.
 * Idempotent and safe to race: the inserts skip a builtin_key that exists.
 */
export async function ensureBuiltinAutomations(tx: Executor, tenantId: string, at: Date = now()): Promise<number> {
  const templates = await ensureBuiltinTemplates(tx, tenantId);
  const made = await tx
    .insert(automations)
    .values(BUILTIN_AUTOMATION_KEYS.map((key) => {
      const b: BuiltinAutomation = BUILTIN_AUTOMATIONS[key];
      return { tenantId, builtinKey: key, name: b.name, description: b.description, trigger: b.trigger, filter: b.filter, steps: b.steps(templates), status: 'active' as const, activeSince: at, createdAt: at, updatedAt: at };
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
