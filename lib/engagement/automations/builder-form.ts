import { automationStatuses } from '@/db/schema/automations';
import { STRICT_FORM } from '@/lib/billing/settings-forms';
import type { ActionState, FieldErrors } from '@/lib/actions/result';
import { z } from '@/lib/validation/zod';
import { automationInputSchema, type Condition, type Step } from './definition';
import type { StepChoice } from './builder-words';

/**
 * The automation builder's form (CRM → Automations; issue 18 point 2), shared by the browser and
 * the server action; browser-safe. The form's fields are named after the definition's paths
 * (`steps.1.duration.amount`, `filter.0.values`), so react-hook-form's values, a posted form read
 * back with `draftFromPost`, and zod's issue paths all name the same field. A draft holds what was
 * typed (text); `inputOf` turns it into the definition's shape and `automationFormSchema` is
 * automationInputSchema over that, so the browser and the action check with the one schema.
 *
 * Without JavaScript the whole draft goes to the server on every button ("Add step", "Remove step
 * 2", "Move step 2 up"…: `editDraft`) and comes back in the action's state to be drawn again.
 */

export interface ConditionDraft {
  kind: string;
  key?: string;
  op?: string;
  values?: string[];
  tag?: string;
  years?: string;
  channel?: string;
  purpose?: string;
  state?: string;
}

export interface DurationDraft { amount: string; unit: string }

export interface StepDraft {
  kind: string;
  duration?: DurationDraft;
  anchor?: string;
  offset?: DurationDraft;
  direction?: string;
  ifPassed?: string;
  conditions?: ConditionDraft[];
  channel?: string;
  templateId?: string;
  title?: string;
  details?: string;
  assigneeStaffId?: string;
  assigneeTeam?: string;
  dueInDays?: string;
  op?: string;
  tag?: string;
  to?: string;
  url?: string;
}

export interface AutomationDraft {
  name: string;
  description: string;
  trigger: string;
  filter: ConditionDraft[];
  steps: StepDraft[];
}

export interface Choice { value: string; label: string }

/** What the builder offers (lib/engagement/automations/builder-options.ts reads it for the clinic). */
export interface BuilderOptions {
  templates: { id: string; name: string; channel: 'email' | 'sms'; purpose: 'care' | 'marketing'; archived: boolean }[];
  /** People who can take a task. */
  staff: { id: string; fullName: string }[];
  teams: string[];
  /** The choices of each event field a filter can compare (builder-words EVENT_KEY_WORDS). */
  eventChoices: Record<string, Choice[]>;
  appointmentStatuses: Choice[];
  orderStatuses: Choice[];
  languages: Choice[];
}

/** Caps on what a posted form may hold (the schema allows 30 steps and 20 conditions). */
export const DRAFT_LIMITS = { steps: 30, conditions: 20, text: 4_000 } as const;

export const EMPTY_DRAFT: AutomationDraft = { name: '', description: '', trigger: '', filter: [], steps: [] };

// ---- Draft ↔ definition --------------------------------------------------------------------------

const text = (n: number | undefined) => (n === undefined ? '' : String(n));
const duration = (d: { amount: number; unit: string }): DurationDraft => ({ amount: String(d.amount), unit: d.unit });

export function conditionDraft(c: Condition): ConditionDraft {
  switch (c.kind) {
    case 'event': return { kind: c.kind, key: c.key, op: c.op, values: [...c.values] };
    case 'tag': return { kind: c.kind, op: c.op, tag: c.tag };
    case 'age': return { kind: c.kind, op: c.op, years: String(c.years) };
    case 'language': return { kind: c.kind, values: [...c.values] };
    case 'consent': return { kind: c.kind, channel: c.channel, purpose: c.purpose, op: c.op };
    case 'appointment_status':
    case 'order_status': return { kind: c.kind, op: c.op, values: [...c.values] };
    case 'form_state':
    case 'invoice_state': return { kind: c.kind, state: c.state };
  }
}

export function stepDraft(s: Step): StepDraft {
  switch (s.kind) {
    case 'wait': return { kind: s.kind, duration: duration(s.duration) };
    case 'wait_until': return { kind: s.kind, anchor: s.anchor, offset: duration(s.offset), direction: s.direction, ifPassed: s.ifPassed };
    case 'check': return { kind: s.kind, conditions: s.conditions.map(conditionDraft) };
    case 'send': return { kind: s.kind, channel: s.channel, templateId: s.templateId };
    case 'task': return {
      kind: s.kind, title: s.title, details: s.details ?? '', assigneeStaffId: s.assigneeStaffId ?? '', assigneeTeam: s.assigneeTeam ?? '', dueInDays: text(s.dueInDays),
    };
    case 'tag': return { kind: s.kind, op: s.op, tag: s.tag };
    case 'order_status': return { kind: s.kind, to: s.to };
    case 'webhook': return { kind: s.kind, url: s.url };
  }
}

/** A saved automation as the builder shows it. */
export function draftOf(a: { name: string; description: string | null; trigger: string; filter: readonly Condition[]; steps: readonly Step[] }): AutomationDraft {
  return { name: a.name, description: a.description ?? '', trigger: a.trigger, filter: a.filter.map(conditionDraft), steps: a.steps.map(stepDraft) };
}

/** A whole number typed as text; anything else is left as text for the schema to refuse in words. */
function number(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : value;
}
/** An optional field: blank is absent. */
function optional(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}
/** A group of checkboxes: react-hook-form gives a list (or one value, or false); a posted form a list or one value. */
function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}
const durationInput = (d: DurationDraft | undefined) => ({ amount: number(d?.amount ?? ''), unit: d?.unit });

function conditionInput(c: ConditionDraft): Record<string, unknown> {
  switch (c.kind) {
    case 'event': return { kind: c.kind, key: c.key, op: c.op, values: list(c.values) };
    case 'tag': return { kind: c.kind, op: c.op, tag: c.tag };
    case 'age': return { kind: c.kind, op: c.op, years: number(c.years ?? '') };
    case 'language': return { kind: c.kind, values: list(c.values) };
    case 'consent': return { kind: c.kind, channel: c.channel, purpose: c.purpose, op: c.op };
    case 'appointment_status':
    case 'order_status': return { kind: c.kind, op: c.op, values: list(c.values) };
    case 'form_state':
    case 'invoice_state': return { kind: c.kind, state: c.state };
    default: return { kind: c.kind };
  }
}

function stepInput(s: StepDraft): Record<string, unknown> {
  switch (s.kind) {
    case 'wait': return { kind: s.kind, duration: durationInput(s.duration) };
    case 'wait_until': return { kind: s.kind, anchor: s.anchor, offset: durationInput(s.offset), direction: s.direction, ifPassed: s.ifPassed };
    case 'check': return { kind: s.kind, conditions: (s.conditions ?? []).map(conditionInput) };
    case 'send': return { kind: s.kind, channel: s.channel, templateId: s.templateId };
    case 'task': return {
      kind: s.kind, title: s.title, details: optional(s.details), assigneeStaffId: optional(s.assigneeStaffId), assigneeTeam: optional(s.assigneeTeam),
      dueInDays: number(optional(s.dueInDays)),
    };
    case 'tag': return { kind: s.kind, op: s.op, tag: s.tag };
    case 'order_status': return { kind: s.kind, to: s.to };
    case 'webhook': return { kind: s.kind, url: s.url };
    default: return { kind: s.kind };
  }
}

/** The draft in the shape automationInputSchema (and so createAutomation, updateAutomation, the dry run) parses. */
export function inputOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const d = value as Partial<AutomationDraft>;
  return {
    name: d.name, description: d.description, trigger: d.trigger,
    filter: Array.isArray(d.filter) ? d.filter.map(conditionInput) : d.filter,
    steps: Array.isArray(d.steps) ? d.steps.map(stepInput) : d.steps,
  };
}

/** The builder's one schema: the definition's, over the draft (react-hook-form's resolver and the action). */
export const automationFormSchema = z.preprocess(inputOf, automationInputSchema);

/**
 * Each field's first message, by its full path (`steps.1.duration.amount`): the name the form's
 * control has. A message about a list as a whole (no steps, too many) is on the list's path.
 */
export function draftFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '_form';
    out[path] ??= issue.message;
  }
  return out;
}

// ---- A posted form → draft ---------------------------------------------------------------------

const INDEX = /^\d{1,2}$/;
const NAME = /^[a-zA-Z]{1,30}$/;

/** One text value of a posted field: a file or a repeated field gives its first text, or blank. */
function one(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string') ?? '';
  return '';
}

type Tree = { [key: string]: Tree | unknown };

/** Nested objects from dotted names; only names made of words and small indexes are read. */
function treeOf(post: Readonly<Record<string, unknown>>, root: 'filter' | 'steps'): Tree {
  const tree: Tree = Object.create(null);
  for (const [name, value] of Object.entries(post)) {
    const parts = name.split('.');
    if (parts[0] !== root || parts.length < 3 || parts.length > 5 || !INDEX.test(parts[1]!)) continue;
    if (!parts.slice(2).every((p) => NAME.test(p) || INDEX.test(p))) continue;
    let node = tree;
    for (const part of parts.slice(1, -1)) {
      const next = node[part];
      node = (typeof next === 'object' && next !== null && !Array.isArray(next) ? next : (node[part] = Object.create(null))) as Tree;
    }
    node[parts.at(-1)!] = value;
  }
  return tree;
}

/** The tree's numbered children in order (gaps closed), at most `max`. */
function items(node: unknown, max: number): Tree[] {
  if (typeof node !== 'object' || node === null) return [];
  return Object.keys(node).filter((k) => INDEX.test(k)).map(Number).sort((a, b) => a - b).slice(0, max)
    .map((k) => (node as Tree)[String(k)]).filter((v): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v));
}

const CONDITION_KINDS = ['event', 'tag', 'age', 'language', 'consent', 'appointment_status', 'form_state', 'invoice_state', 'order_status'];
const STEP_KINDS = ['wait', 'wait_until', 'check', 'send', 'task', 'tag', 'order_status', 'webhook'];

function conditionFrom(t: Tree): ConditionDraft | null {
  const kind = one(t.kind);
  if (!CONDITION_KINDS.includes(kind)) return null;
  const values = list(t.values);
  switch (kind) {
    case 'event': return { kind, key: one(t.key), op: one(t.op), values };
    case 'tag': return { kind, op: one(t.op), tag: one(t.tag) };
    case 'age': return { kind, op: one(t.op), years: one(t.years) };
    case 'language': return { kind, values };
    case 'consent': return { kind, channel: one(t.channel), purpose: one(t.purpose), op: one(t.op) };
    case 'form_state':
    case 'invoice_state': return { kind, state: one(t.state) };
    default: return { kind, op: one(t.op), values };
  }
}

const durationFrom = (node: unknown): DurationDraft => {
  const t = (typeof node === 'object' && node !== null ? node : {}) as Tree;
  return { amount: one(t.amount), unit: one(t.unit) };
};

function stepFrom(t: Tree): StepDraft | null {
  const kind = one(t.kind);
  if (!STEP_KINDS.includes(kind)) return null;
  switch (kind) {
    case 'wait': return { kind, duration: durationFrom(t.duration) };
    case 'wait_until': return { kind, anchor: one(t.anchor), offset: durationFrom(t.offset), direction: one(t.direction), ifPassed: one(t.ifPassed) };
    case 'check': return { kind, conditions: conditionsFrom(t.conditions) };
    case 'send': return { kind, channel: one(t.channel), templateId: one(t.templateId) };
    case 'task': return {
      kind, title: one(t.title), details: one(t.details), assigneeStaffId: one(t.assigneeStaffId), assigneeTeam: one(t.assigneeTeam), dueInDays: one(t.dueInDays),
    };
    case 'tag': return { kind, op: one(t.op), tag: one(t.tag) };
    case 'order_status': return { kind, to: one(t.to) };
    default: return { kind, url: one(t.url) };
  }
}

const conditionsFrom = (node: unknown) => items(node, DRAFT_LIMITS.conditions + 1).map(conditionFrom).filter((c): c is ConditionDraft => c !== null);

/**
 * The draft a form posted: its own fields only, every value as typed (so a refused form shows
 * exactly what was there), conditions and steps of a kind the builder does not know left out.
 * One more step or condition than allowed is kept, for the schema to say so.
 */
export function draftFromPost(post: Readonly<Record<string, unknown>>): AutomationDraft {
  return {
    name: one(post.name), description: one(post.description), trigger: one(post.trigger),
    filter: conditionsFrom(treeOf(post, 'filter')),
    steps: items(treeOf(post, 'steps'), DRAFT_LIMITS.steps + 1).map(stepFrom).filter((s): s is StepDraft => s !== null),
  };
}

/** True when a posted text is longer than any field takes (the form is refused whole, not echoed). */
export function postTooLong(post: Readonly<Record<string, unknown>>): boolean {
  return Object.values(post).some((v) => (Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && x.length > DRAFT_LIMITS.text));
}

// ---- New steps and conditions, and the buttons that change the draft's shape -------------------------

export function newStep(choice: StepChoice | string): StepDraft | null {
  switch (choice) {
    case 'wait': return { kind: 'wait', duration: { amount: '1', unit: 'days' } };
    case 'wait_until': return { kind: 'wait_until', anchor: 'appointment.start', offset: { amount: '24', unit: 'hours' }, direction: 'before', ifPassed: 'stop' };
    case 'check': return { kind: 'check', conditions: [] };
    case 'send-email': return { kind: 'send', channel: 'email', templateId: '' };
    case 'send-sms': return { kind: 'send', channel: 'sms', templateId: '' };
    case 'task': return { kind: 'task', title: '', details: '', assigneeStaffId: '', assigneeTeam: '', dueInDays: '' };
    case 'tag': return { kind: 'tag', op: 'add', tag: '' };
    case 'order_status': return { kind: 'order_status', to: '' };
    case 'webhook': return { kind: 'webhook', url: '' };
    default: return null;
  }
}

/** A new condition from the "add a condition" menu (`event:serviceId`, `tag`, …; builder-words conditionChoicesFor). */
export function newCondition(choice: string): ConditionDraft | null {
  if (choice.startsWith('event:')) {
    const key = choice.slice(6);
    return NAME.test(key) ? { kind: 'event', key, op: 'in', values: [] } : null;
  }
  switch (choice) {
    case 'tag': return { kind: 'tag', op: 'has', tag: '' };
    case 'age': return { kind: 'age', op: 'at_least', years: '' };
    case 'language': return { kind: 'language', values: [] };
    case 'consent': return { kind: 'consent', channel: 'email', purpose: 'marketing', op: 'given' };
    case 'appointment_status': return { kind: 'appointment_status', op: 'in', values: ['booked'] };
    case 'form_state': return { kind: 'form_state', state: 'open' };
    case 'invoice_state': return { kind: 'invoice_state', state: 'owed' };
    case 'order_status': return { kind: 'order_status', op: 'in', values: [] };
    default: return null;
  }
}

/** The buttons' intents: `add-step`, `remove-step:1`, `up-step:1`, `down-step:1`, `add-filter`, `remove-filter:0`, `add-check:2`, `remove-check:2:0`. */
export const intents = {
  removeStep: (i: number) => `remove-step:${i}`,
  upStep: (i: number) => `up-step:${i}`,
  downStep: (i: number) => `down-step:${i}`,
  removeFilter: (i: number) => `remove-filter:${i}`,
  addCheck: (i: number) => `add-check:${i}`,
  removeCheck: (i: number, j: number) => `remove-check:${i}:${j}`,
} as const;

/** The "add" menus' choices, posted beside the draft (names no step or condition field uses). */
export const ADD_FIELDS = { step: 'newStepKind', filter: 'newFilterKind', check: (i: number) => `newCheckKind${i}` } as const;

function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item!);
  return out;
}

/**
 * A structural button pressed without JavaScript: the draft with a step or condition added,
 * removed or moved, and a sentence saying so; null for an intent that is not one of these, or
 * that names no step. (With JavaScript the builder does the same in the browser.)
 */
export function editDraft(draft: AutomationDraft, intent: string, post: Readonly<Record<string, unknown>>): { draft: AutomationDraft; notice: string } | null {
  const [verb, a, b] = intent.split(':');
  const i = a !== undefined && INDEX.test(a) ? Number(a) : -1;
  const j = b !== undefined && INDEX.test(b) ? Number(b) : -1;
  const steps = draft.steps;
  switch (verb) {
    case 'refresh':
      return { draft, notice: 'The form shows the choices for this trigger.' };
    case 'add-step': {
      const step = newStep(one(post[ADD_FIELDS.step]));
      if (!step) return { draft, notice: 'Choose a kind of step to add.' };
      if (steps.length >= DRAFT_LIMITS.steps) return { draft, notice: `An automation has at most ${DRAFT_LIMITS.steps} steps.` };
      return { draft: { ...draft, steps: [...steps, step] }, notice: `Step ${steps.length + 1} added.` };
    }
    case 'remove-step':
      if (!steps[i]) return null;
      return { draft: { ...draft, steps: steps.filter((_, k) => k !== i) }, notice: `Step ${i + 1} removed.` };
    case 'up-step':
      if (!steps[i] || i === 0) return null;
      return { draft: { ...draft, steps: moved(steps, i, i - 1) }, notice: `Step ${i + 1} is now step ${i}.` };
    case 'down-step':
      if (!steps[i] || i === steps.length - 1) return null;
      return { draft: { ...draft, steps: moved(steps, i, i + 1) }, notice: `Step ${i + 1} is now step ${i + 2}.` };
    case 'add-filter': {
      const condition = newCondition(one(post[ADD_FIELDS.filter]));
      if (!condition) return { draft, notice: 'Choose a kind of condition to add.' };
      if (draft.filter.length >= DRAFT_LIMITS.conditions) return { draft, notice: `A filter has at most ${DRAFT_LIMITS.conditions} conditions.` };
      return { draft: { ...draft, filter: [...draft.filter, condition] }, notice: `Filter condition ${draft.filter.length + 1} added.` };
    }
    case 'remove-filter':
      if (!draft.filter[i]) return null;
      return { draft: { ...draft, filter: draft.filter.filter((_, k) => k !== i) }, notice: `Filter condition ${i + 1} removed.` };
    case 'add-check': {
      const step = steps[i];
      if (step?.kind !== 'check') return null;
      const condition = newCondition(one(post[ADD_FIELDS.check(i)]));
      const conditions = step.conditions ?? [];
      if (!condition) return { draft, notice: 'Choose a kind of condition to add.' };
      if (conditions.length >= DRAFT_LIMITS.conditions) return { draft, notice: `A check has at most ${DRAFT_LIMITS.conditions} conditions.` };
      return { draft: { ...draft, steps: steps.map((s, k) => (k === i ? { ...s, conditions: [...conditions, condition] } : s)) }, notice: `Condition added to step ${i + 1}.` };
    }
    case 'remove-check': {
      const step = steps[i];
      if (step?.kind !== 'check' || !step.conditions?.[j]) return null;
      return { draft: { ...draft, steps: steps.map((s, k) => (k === i ? { ...s, conditions: step.conditions!.filter((_, m) => m !== j) } : s)) }, notice: `Condition ${j + 1} of step ${i + 1} removed.` };
    }
    default:
      return null;
  }
}

// ---- Save's problems, placed beside what they name ----------------------------------------------

export interface PlacedProblems {
  general: string[];
  filter: Record<number, string[]>;
  steps: Record<number, string[]>;
}

/** AutomationRuleError.problems ("Step 2: …", "Step 3, condition 1: …", "Filter condition 1: …") by the step or condition they name. */
export function placeProblems(problems: readonly string[]): PlacedProblems {
  const placed: PlacedProblems = { general: [], filter: {}, steps: {} };
  for (const problem of problems) {
    const step = /^Step (\d{1,2})\b/.exec(problem);
    const filter = /^Filter condition (\d{1,2})\b/.exec(problem);
    if (step) (placed.steps[Number(step[1]) - 1] ??= []).push(problem);
    else if (filter) (placed.filter[Number(filter[1]) - 1] ??= []).push(problem);
    else placed.general.push(problem);
  }
  return placed;
}

// ---- The action's answer -------------------------------------------------------------------------

/** A dry run as the builder shows it: words and times already in the clinic's zone. */
export interface DryRunView {
  trigger: string;
  events: {
    id: string;
    event: string;
    when: string;
    patient: string;
    matched: boolean;
    filteredOut: string | null;
    steps: { index: number; description: string; outcome: 'done' | 'wait' | 'skip' | 'stop'; text: string; when: string }[];
  }[];
}

/** What the builder's action answers: the draft back (without JavaScript it is the form's content), and what happened. */
export interface BuilderState extends ActionState {
  draft?: AutomationDraft;
  /** The version a save must find (after a save, the new one). */
  expectedVersion?: number;
  problems?: PlacedProblems;
  dryRun?: DryRunView;
}

// ---- Status ------------------------------------------------------------------------------------------

/** Switch on, pause, back to draft: one button each, naming the automation. */
export const automationStatusSchema = z.strictObject({
  automationId: z.uuid('This automation no longer exists. Reload the page.'),
  status: z.enum(automationStatuses, { error: 'Choose switch on, pause or back to draft.' }),
}, STRICT_FORM);

/** The builder's version field: the version the person opened (a save against a newer one is refused). */
export function postedVersion(value: unknown): number | undefined {
  const v = one(value);
  return /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}
