import { STRICT_FORM } from '@/lib/billing/settings-forms';
import { idList, optionalText, requiredText } from '@/lib/commerce/product-forms';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { z } from '@/lib/validation/zod';
import { SEGMENT_LIMITS, segmentConditionSchema, VISIT_UNITS, type SegmentCondition, type SegmentFilter } from './filter';

/**
 * The segment form (CRM → Segments), shared by the browser (useActionForm) and the server
 * actions; browser-safe. Conditions are posted in numbered slots of flat fields (`c0_kind`,
 * `c0_tag`, `c0_serviceIds`…, up to one slot a condition), so the form is a plain form without
 * JavaScript: a slot whose kind is left empty is skipped, and a slot's fields for other kinds are
 * ignored. Each slot's refusal is reported on the slot's own field (`c2_amount`), so the browser
 * and the server show it in the same place. The live count posts the slots alone
 * (segmentCountSchema).
 */

export const SEGMENT_FORM_LIMITS = { name: 120, description: 500 } as const;

/** Slots a form has: one per condition a segment may hold. */
export const SLOT_COUNT = SEGMENT_LIMITS.conditions;

export const SLOT_FIELDS = ['kind', 'tag', 'visit', 'date', 'amount', 'unit', 'serviceIds', 'locationIds', 'productIds', 'min', 'max', 'languages'] as const;
export type SlotField = (typeof SLOT_FIELDS)[number];
const LIST_FIELDS: ReadonlySet<SlotField> = new Set(['serviceIds', 'locationIds', 'productIds', 'languages']);

export const slotName = (slot: number, field: SlotField) => `c${slot}_${field}`;

/** The builder's words for a condition (a tag's two ops are two choices). */
export const BUILDER_KINDS = ['has_tag', 'lacks_tag', 'last_visit', 'service', 'location', 'age', 'subscription', 'product', 'language'] as const;
export type BuilderKind = (typeof BUILDER_KINDS)[number];
export const BUILDER_KIND_LABELS: Record<BuilderKind, string> = {
  has_tag: 'Has a tag',
  lacks_tag: 'Does not have a tag',
  last_visit: 'Last visit',
  service: 'Had a visit for a service',
  location: 'Had a visit at a location',
  age: 'Age',
  subscription: 'Has an active subscription',
  product: 'Bought a product',
  language: 'Preferred language',
};

/** How a last-visit condition reads in the builder, and what it is stored as. */
export const VISIT_CHOICES = ['within', 'not_within', 'since_date', 'before_date'] as const;
export type VisitChoice = (typeof VISIT_CHOICES)[number];
export const VISIT_CHOICE_LABELS: Record<VisitChoice, string> = {
  within: 'was within the last…',
  not_within: 'was more than … ago',
  since_date: 'was on or after a date',
  before_date: 'was before a date',
};
export const VISIT_UNIT_LABELS: Record<(typeof VISIT_UNITS)[number], string> = { days: 'days', months: 'months' };

/** One slot as typed: text, and lists for the checkbox groups. */
export interface SlotValues {
  kind: BuilderKind | '';
  tag: string;
  visit: VisitChoice;
  date: string;
  amount: string;
  unit: (typeof VISIT_UNITS)[number];
  serviceIds: string[];
  locationIds: string[];
  productIds: string[];
  min: string;
  max: string;
  languages: string[];
}

export const BLANK_SLOT: SlotValues = {
  kind: '', tag: '', visit: 'within', date: '', amount: '12', unit: 'months', serviceIds: [], locationIds: [], productIds: [], min: '', max: '', languages: [],
};

/** A saved condition as the builder's slot shows it. */
export function slotFromCondition(c: SegmentCondition): SlotValues {
  const slot = { ...BLANK_SLOT };
  switch (c.kind) {
    case 'tag':
      return { ...slot, kind: c.op === 'has' ? 'has_tag' : 'lacks_tag', tag: c.tag };
    case 'last_visit':
      if (c.ago) return { ...slot, kind: 'last_visit', visit: c.when === 'since' ? 'within' : 'not_within', amount: String(c.ago.amount), unit: c.ago.unit };
      return { ...slot, kind: 'last_visit', visit: c.when === 'since' ? 'since_date' : 'before_date', date: c.date ?? '' };
    case 'service':
      return { ...slot, kind: 'service', serviceIds: [...c.ids] };
    case 'location':
      return { ...slot, kind: 'location', locationIds: [...c.ids] };
    case 'age':
      return { ...slot, kind: 'age', min: c.min === null ? '' : String(c.min), max: c.max === null ? '' : String(c.max) };
    case 'subscription':
      return { ...slot, kind: 'subscription', productIds: [...c.productIds] };
    case 'product':
      return { ...slot, kind: 'product', productIds: [...c.ids] };
    case 'language':
      return { ...slot, kind: 'language', languages: [...c.values] };
  }
}

const WHOLE = /^\s*\d{1,4}\s*$/;
const whole = (v: string): number | null | 'bad' => (v.trim() === '' ? null : WHOLE.test(v) ? Number(v) : 'bad');

type SlotErrors = Partial<Record<SlotField, string>>;

/** Where a refusal of segmentConditionSchema points, as the slot's field. */
function fieldOf(kind: BuilderKind, path: readonly PropertyKey[]): SlotField {
  const head = String(path[0] ?? '');
  if (kind === 'has_tag' || kind === 'lacks_tag') return 'tag';
  if (kind === 'last_visit') return head === 'date' ? 'date' : head === 'ago' ? (path[1] === 'unit' ? 'unit' : 'amount') : 'visit';
  if (kind === 'service') return 'serviceIds';
  if (kind === 'location') return 'locationIds';
  if (kind === 'age') return head === 'max' ? 'max' : 'min';
  if (kind === 'language') return 'languages';
  return 'productIds';
}

/** A typed slot as a condition, or what to fix on which of its fields. */
export function conditionFromSlot(slot: SlotValues): { condition: SegmentCondition } | { errors: SlotErrors } {
  const kind = slot.kind as BuilderKind;
  let candidate: unknown;
  switch (kind) {
    case 'has_tag':
    case 'lacks_tag':
      candidate = { kind: 'tag', op: kind === 'has_tag' ? 'has' : 'lacks', tag: slot.tag.trim().toLowerCase() };
      break;
    case 'last_visit': {
      const when = slot.visit === 'within' || slot.visit === 'since_date' ? 'since' : 'before';
      if (slot.visit === 'since_date' || slot.visit === 'before_date') {
        if (slot.date.trim() === '') return { errors: { date: 'Enter the date.' } };
        candidate = { kind, when, date: slot.date.trim() };
      } else {
        const amount = whole(slot.amount);
        if (amount === null || amount === 'bad') return { errors: { amount: `Enter how many ${slot.unit === 'days' ? 'days' : 'months'}, as a whole number.` } };
        candidate = { kind, when, ago: { amount, unit: slot.unit } };
      }
      break;
    }
    case 'service':
      candidate = { kind, ids: slot.serviceIds };
      break;
    case 'location':
      candidate = { kind, ids: slot.locationIds };
      break;
    case 'age': {
      const min = whole(slot.min);
      const max = whole(slot.max);
      if (min === 'bad') return { errors: { min: 'Enter the lowest age in whole years.' } };
      if (max === 'bad') return { errors: { max: 'Enter the highest age in whole years.' } };
      candidate = { kind, min, max };
      break;
    }
    case 'subscription':
      candidate = { kind, productIds: slot.productIds };
      break;
    case 'product':
      candidate = { kind, ids: slot.productIds };
      break;
    case 'language':
      candidate = { kind, values: slot.languages };
      break;
    default:
      return { errors: { kind: 'Choose a condition from the list.' } };
  }
  const parsed = segmentConditionSchema.safeParse(candidate);
  if (parsed.success) return { condition: parsed.data };
  const errors: SlotErrors = {};
  for (const issue of parsed.error.issues) errors[fieldOf(kind, issue.path)] ??= issue.message;
  return { errors };
}

/** Slot `i` of a parsed form. */
export function readSlot(values: Record<string, unknown>, i: number): SlotValues {
  const text = (f: SlotField) => (typeof values[slotName(i, f)] === 'string' ? (values[slotName(i, f)] as string) : '');
  const list = (f: SlotField) => (Array.isArray(values[slotName(i, f)]) ? (values[slotName(i, f)] as string[]) : []);
  const visit = text('visit');
  const unit = text('unit');
  return {
    kind: text('kind') as BuilderKind | '',
    tag: text('tag'),
    visit: (VISIT_CHOICES as readonly string[]).includes(visit) ? (visit as VisitChoice) : 'within',
    date: text('date'),
    amount: text('amount'),
    unit: unit === 'days' ? 'days' : 'months',
    serviceIds: list('serviceIds'),
    locationIds: list('locationIds'),
    productIds: list('productIds'),
    min: text('min'),
    max: text('max'),
    languages: list('languages'),
  };
}

// ---------------------------------------------------------------------------------------------
// Schemas

const RELOAD = 'Reload the page and try again.';
const slotText = z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: RELOAD }).max(100, RELOAD));
const slotList = z.preprocess(idList, z.array(z.string({ error: RELOAD }).max(64, RELOAD), { error: RELOAD }).max(SEGMENT_LIMITS.ids, `Choose at most ${SEGMENT_LIMITS.ids}.`));

const slotShape: Record<string, typeof slotText | typeof slotList> = Object.fromEntries(
  Array.from({ length: SLOT_COUNT }, (_, i) => SLOT_FIELDS.map((f) => [slotName(i, f), LIST_FIELDS.has(f) ? slotList : slotText] as const)).flat(),
);

/** Every filled slot becomes a condition; a refusal names the slot's field. */
function checkSlots(values: Record<string, unknown>, ctx: z.RefinementCtx) {
  for (let i = 0; i < SLOT_COUNT; i++) {
    const slot = readSlot(values, i);
    if (slot.kind === '') continue;
    const result = conditionFromSlot(slot);
    if ('errors' in result) {
      for (const [field, message] of Object.entries(result.errors)) ctx.addIssue({ code: 'custom', message, path: [slotName(i, field as SlotField)] });
    }
  }
}

/** The filter the form's filled slots make, in slot order, and the slot each condition came from. */
export function filterFromForm(values: Record<string, unknown>): { filter: SegmentFilter; slots: number[] } {
  const conditions: SegmentCondition[] = [];
  const slots: number[] = [];
  for (let i = 0; i < SLOT_COUNT; i++) {
    const slot = readSlot(values, i);
    if (slot.kind === '') continue;
    const result = conditionFromSlot(slot);
    if ('condition' in result) {
      conditions.push(result.condition);
      slots.push(i);
    }
  }
  return { filter: { conditions }, slots };
}

/**
 * A refusal of lib (segments.ts) names a condition's field as `conditions.<i>.<field>`: the
 * same refusal, naming the slot the condition was typed in.
 */
export function onSlots(error: RuleError, slots: readonly number[]): RuleError {
  if (!error.fieldErrors) return error;
  const fieldErrors = Object.fromEntries(Object.entries(error.fieldErrors).map(([key, message]) => {
    const match = /^conditions\.(\d+)\.(\w+)$/.exec(key);
    const slot = match ? slots[Number(match[1])] : undefined;
    return [slot !== undefined && (SLOT_FIELDS as readonly string[]).includes(match![2]!) ? slotName(slot, match![2] as SlotField) : key, message];
  }));
  return new RuleError(error.code, error.userMessage, fieldErrors, error.extra);
}

/** The slots' form values for a saved filter (the rest blank). */
export function formValuesOfFilter(filter: SegmentFilter): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  filter.conditions.slice(0, SLOT_COUNT).forEach((c, i) => {
    const slot = slotFromCondition(c);
    for (const f of SLOT_FIELDS) values[slotName(i, f)] = slot[f];
  });
  return values;
}

const name = requiredText('segment’s name', SEGMENT_FORM_LIMITS.name);
const description = optionalText('description', SEGMENT_FORM_LIMITS.description);
const segmentId = z.string({ error: 'This segment no longer exists. Reload the page.' }).refine(isUuid, 'This segment no longer exists. Reload the page.');

/** "New segment": a name, an optional note, the conditions. */
export const createSegmentSchema = z.strictObject({ name, description, ...slotShape }, STRICT_FORM).superRefine(checkSlots);
/** "Save segment" on its page. */
export const updateSegmentSchema = z.strictObject({ segmentId, name, description, ...slotShape }, STRICT_FORM).superRefine(checkSlots);
/** The live count: the slots alone (nothing is saved). */
export const segmentCountSchema = z.strictObject({ ...slotShape }, STRICT_FORM).superRefine(checkSlots);
/** Archive and restore: one button naming the segment. */
export const segmentIdSchema = z.strictObject({ segmentId }, STRICT_FORM);

/** What lib/engagement/segments/segments.ts saves, from a parsed form, and the slot of each condition. */
export function segmentFromForm(values: Record<string, unknown>): { input: { name: string; description: string | null; filter: SegmentFilter }; slots: number[] } {
  const { filter, slots } = filterFromForm(values);
  return { input: { name: values.name as string, description: (values.description as string | null) ?? null, filter }, slots };
}

/** The list's filter: active (default) or archived; a bad value is the default. */
export function segmentListStatus(value: unknown): 'active' | 'archived' {
  return (Array.isArray(value) ? value[0] : value) === 'archived' ? 'archived' : 'active';
}

/** The typed fields shown again after a refusal (the checkbox groups keep what the browser holds). */
export const SEGMENT_ECHO: readonly string[] = [
  'name', 'description',
  ...Array.from({ length: SLOT_COUNT }, (_, i) => SLOT_FIELDS.filter((f) => !LIST_FIELDS.has(f)).map((f) => slotName(i, f))).flat(),
];

/** A count as the builder and the segment's page say it. */
export function patientsMatch(count: number): string {
  return count === 1 ? '1 patient matches' : `${count.toLocaleString('en-US')} patients match`;
}

/** The live count's answer: the number, or why there is none yet. */
export interface SegmentCountState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  count?: number;
}
