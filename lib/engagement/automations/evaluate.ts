import 'server-only';
import type { AppointmentStatus, ContactChannel, ContactPurpose, OrderStatus } from '@/db/schema';
import { CONSENT_DEFAULTS } from '../consent';
import { conditionSchema, subjectKeysOf, triggerHas, type Condition, type Step, type Trigger } from './definition';

/**
 * Condition evaluation, pure: the runner loads the facts a list of conditions needs (neededFacts)
 * and this decides. Unknown or missing facts decide "no" — a check that cannot be answered never
 * lets a message through.
 */

export interface PatientFacts {
  tags: ReadonlySet<string>;
  dateOfBirth: string;
  language: string;
  /** The newest answer per channel and purpose; absent = never asked (the defaults apply). */
  consents: Partial<Record<`${ContactChannel}:${ContactPurpose}`, boolean>>;
}

export interface Facts {
  subject: Readonly<Record<string, unknown>>;
  /** The clinic's calendar day (YYYY-MM-DD), for ages. */
  today: string;
  patient: PatientFacts | null;
  appointmentStatus?: AppointmentStatus | null;
  formState?: 'open' | 'submitted' | 'other' | null;
  invoiceState?: 'owed' | 'paid' | 'other' | null;
  orderStatus?: OrderStatus | null;
}

export type FactKind = 'patient' | 'appointment' | 'form' | 'invoice' | 'order';

/** Which facts a list of conditions reads (so a run loads only those). */
export function neededFacts(conditions: readonly Condition[]): Set<FactKind> {
  const needed = new Set<FactKind>();
  for (const c of conditions) {
    if (c.kind === 'tag' || c.kind === 'age' || c.kind === 'language' || c.kind === 'consent') needed.add('patient');
    else if (c.kind === 'appointment_status') needed.add('appointment');
    else if (c.kind === 'form_state') needed.add('form');
    else if (c.kind === 'invoice_state') needed.add('invoice');
    else if (c.kind === 'order_status') needed.add('order');
  }
  return needed;
}

/** Whole years from a date of birth to a day (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function consentGiven(patient: PatientFacts, channel: ContactChannel, purpose: ContactPurpose): boolean {
  return patient.consents[`${channel}:${purpose}`] ?? CONSENT_DEFAULTS[purpose];
}

export function evaluateCondition(c: Condition, facts: Facts): boolean {
  const p = facts.patient;
  switch (c.kind) {
    case 'event': {
      const value = facts.subject[c.key];
      if (typeof value !== 'string') return c.op === 'not_in' && value === null;
      return c.values.includes(value) === (c.op === 'in');
    }
    case 'tag':
      return p !== null && p.tags.has(c.tag) === (c.op === 'has');
    case 'age': {
      if (!p) return false;
      const age = ageOn(p.dateOfBirth, facts.today);
      return c.op === 'at_least' ? age >= c.years : age < c.years;
    }
    case 'language':
      return p !== null && c.values.includes(p.language);
    case 'consent':
      return p !== null && consentGiven(p, c.channel, c.purpose) === (c.op === 'given');
    case 'appointment_status':
      return facts.appointmentStatus != null && c.values.includes(facts.appointmentStatus) === (c.op === 'in');
    case 'form_state':
      return facts.formState === c.state;
    case 'invoice_state':
      return facts.invoiceState === c.state;
    case 'order_status':
      return facts.orderStatus != null && c.values.includes(facts.orderStatus) === (c.op === 'in');
  }
}

/** The first condition that fails (for the run log and the dry run), or null when all hold. */
export function firstFailing(conditions: readonly Condition[], facts: Facts): Condition | null {
  return conditions.find((c) => !evaluateCondition(c, facts)) ?? null;
}

/**
 * A definition's problems that the shapes alone cannot see, against its trigger: a filter on an
 * event field the trigger does not have, a visit check on a trigger without a visit, and so on.
 * Each problem names the condition or step (1-based) in words for the CRM.
 */
export function definitionProblems(trigger: Trigger, filter: readonly Condition[], steps: readonly Step[]): string[] {
  const problems: string[] = [];
  const keys = subjectKeysOf(trigger);
  const conditionProblem = (c: Condition): string | null => {
    if (c.kind === 'event' && !keys.includes(c.key)) return `this trigger has no “${c.key}”`;
    if (c.kind === 'appointment_status' && !triggerHas(trigger, 'appointmentId')) return 'this trigger has no visit';
    if (c.kind === 'form_state' && !triggerHas(trigger, 'assignmentId')) return 'this trigger has no form';
    if (c.kind === 'invoice_state' && !triggerHas(trigger, 'invoiceId')) return 'this trigger has no invoice';
    if (c.kind === 'order_status' && !triggerHas(trigger, 'orderId')) return 'this trigger has no order';
    return null;
  };
  filter.forEach((c, i) => {
    const problem = conditionProblem(c);
    if (problem) problems.push(`Filter condition ${i + 1}: ${problem}.`);
  });
  steps.forEach((s, i) => {
    const at = `Step ${i + 1}`;
    if (s.kind === 'check') {
      s.conditions.forEach((c, j) => {
        const problem = conditionProblem(c);
        if (problem) problems.push(`${at}, condition ${j + 1}: ${problem}.`);
      });
    }
    if (s.kind === 'wait_until') {
      if (s.anchor.startsWith('appointment.') && !triggerHas(trigger, 'appointmentId')) problems.push(`${at}: this trigger has no visit to wait for.`);
      if (s.anchor === 'form.due' && !triggerHas(trigger, 'assignmentId')) problems.push(`${at}: this trigger has no form due date to wait for.`);
    }
    if (s.kind === 'order_status' && !triggerHas(trigger, 'orderId')) problems.push(`${at}: this trigger has no order to move.`);
    if (s.kind === 'task' && !s.assigneeStaffId && !s.assigneeTeam) problems.push(`${at}: give the task to a person or a team.`);
  });
  return problems;
}

/** Parses stored conditions, dropping none silently: a stored filter that no longer parses throws. */
export function parseConditions(value: unknown): Condition[] {
  return conditionSchema.array().parse(value);
}
