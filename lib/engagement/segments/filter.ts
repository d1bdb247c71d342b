import { isCalendarDate } from '@/lib/billing/invoice-forms';
import { LOCALES, type Locale } from '@/lib/i18n/core';
import { isUuid } from '@/lib/kernel/ids';
import { z } from '@/lib/validation/zod';

/**
 * A segment's filter (issue 18 point 6): every condition must hold (AND), each from a closed set,
 * so a filter is data and never code. Browser-safe: the CRM's builder, the save, the count and the
 * campaign queue all parse with this one schema. segments.filter keeps it as JSON; a read parses
 * it again (parseStoredFilter). The SQL it becomes is in ./query.ts.
 *
 * Visits are appointments with status `completed`; a relative boundary ("within the last 12
 * months") is counted back from the clinic's today when the filter is evaluated, so a saved
 * segment moves with the calendar.
 */

export const SEGMENT_LIMITS = {
  conditions: 10,
  ids: 50,
  ageYears: 130,
  days: 3650,
  months: 240,
} as const;

/** The shape patient_tags.tag holds (its check constraint). */
export const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const VISIT_UNITS = ['days', 'months'] as const;
export type VisitUnit = (typeof VISIT_UNITS)[number];

const tag = z.string({ error: 'Enter a tag.' }).regex(TAG_PATTERN, 'A tag is up to 40 lower-case letters, digits and dashes.');
const ids = (what: string, min: number) =>
  z.array(z.string().refine(isUuid, `Choose ${what} from the list.`), { error: `Choose ${what} from the list.` })
    .min(min, `Choose at least one ${what}.`).max(SEGMENT_LIMITS.ids, `Choose at most ${SEGMENT_LIMITS.ids}.`)
    .refine((list) => new Set(list).size === list.length, `Choose each ${what} once.`);
const years = z.number().int('Enter whole years.').min(0, 'Enter an age from 0.').max(SEGMENT_LIMITS.ageYears, `Enter an age up to ${SEGMENT_LIMITS.ageYears}.`);
const date = z.string().refine(isCalendarDate, 'Enter a date, like 2026-01-31.')
  .refine((d) => d >= '1900-01-01' && d <= '2099-12-31', 'Choose a date between 1900 and 2099.');

/** "N days/months ago", counted back from the clinic's today. */
const ago = z.strictObject({ amount: z.number().int().min(1, 'Enter at least 1.'), unit: z.enum(VISIT_UNITS) })
  .refine((a) => a.amount <= (a.unit === 'days' ? SEGMENT_LIMITS.days : SEGMENT_LIMITS.months), {
    message: `Enter up to ${SEGMENT_LIMITS.days} days or ${SEGMENT_LIMITS.months} months.`, path: ['amount'],
  });

export const segmentConditionSchema = z.discriminatedUnion('kind', [
  /** The patient has (or has not) the tag. */
  z.strictObject({ kind: z.literal('tag'), op: z.enum(['has', 'lacks']), tag }),
  /**
   * The last completed visit was `before` the boundary (and there was one), or `since` it (on or
   * after it). The boundary is a day of the clinic's calendar (its start, in the clinic's zone),
   * or `ago`: that many days or months before the clinic's today.
   */
  z.strictObject({ kind: z.literal('last_visit'), when: z.enum(['before', 'since']), date: date.optional(), ago: ago.optional() })
    .refine((c) => (c.date === undefined) !== (c.ago === undefined), 'Give either a date or a time ago.'),
  /** A completed visit for any of these services. */
  z.strictObject({ kind: z.literal('service'), ids: ids('service', 1) }),
  /** A completed visit at any of these locations. */
  z.strictObject({ kind: z.literal('location'), ids: ids('location', 1) }),
  /** Whole years from the date of birth on the clinic's today, from `min` to `max` (both included). */
  z.strictObject({ kind: z.literal('age'), min: years.nullable(), max: years.nullable() })
    .refine((c) => c.min !== null || c.max !== null, 'Enter a lowest age, a highest age, or both.')
    .refine((c) => c.min === null || c.max === null || c.min <= c.max, { message: 'The highest age is below the lowest.', path: ['max'] }),
  /** An active subscription, to any of `productIds` (none listed: to anything). */
  z.strictObject({ kind: z.literal('subscription'), productIds: ids('product', 0) }),
  /** A paid order (not refunded) with any of these products. */
  z.strictObject({ kind: z.literal('product'), ids: ids('product', 1) }),
  /** The patient's preferred language is one of these. */
  z.strictObject({ kind: z.literal('language'), values: z.array(z.enum(LOCALES), { error: 'Choose a language.' }).min(1, 'Choose at least one language.').max(LOCALES.length) }),
]);
export type SegmentCondition = z.infer<typeof segmentConditionSchema>;
export type SegmentConditionKind = SegmentCondition['kind'];

/** All of `conditions` hold; none: every patient of the clinic. */
export const segmentFilterSchema = z.strictObject({
  conditions: z.array(segmentConditionSchema).max(SEGMENT_LIMITS.conditions, `A segment has at most ${SEGMENT_LIMITS.conditions} conditions.`),
});
export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

/** Languages as staff read them (the portal's own names are in each language). */
export const LANGUAGE_LABELS: Record<Locale, string> = { en: 'English', es: 'Spanish' };

export const EVERYONE: SegmentFilter = { conditions: [] };

/** A filter read back from segments.filter; throws on a shape this code does not know. */
export function parseStoredFilter(value: unknown): SegmentFilter {
  return segmentFilterSchema.parse(value);
}

/** The same conditions in the same order (jsonb keeps an object's keys in its own order). */
export function sameFilter(a: SegmentFilter, b: SegmentFilter): boolean {
  const canonical = (value: unknown): unknown => (Array.isArray(value)
    ? value.map(canonical)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
      : value);
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Every id a filter names, by what it names (to check they are the clinic's). */
export function filterIds(filter: SegmentFilter): { services: string[]; locations: string[]; products: string[] } {
  const out = { services: new Set<string>(), locations: new Set<string>(), products: new Set<string>() };
  for (const c of filter.conditions) {
    if (c.kind === 'service') c.ids.forEach((id) => out.services.add(id));
    if (c.kind === 'location') c.ids.forEach((id) => out.locations.add(id));
    if (c.kind === 'product') c.ids.forEach((id) => out.products.add(id));
    if (c.kind === 'subscription') c.productIds.forEach((id) => out.products.add(id));
  }
  return { services: [...out.services], locations: [...out.locations], products: [...out.products] };
}

// ---------------------------------------------------------------------------------------------
// Words

/** Names of what a filter's ids point at; an id not found reads as "a removed …". */
export interface FilterNames {
  services?: ReadonlyMap<string, string>;
  locations?: ReadonlyMap<string, string>;
  products?: ReadonlyMap<string, string>;
}

function nameList(list: readonly string[], names: ReadonlyMap<string, string> | undefined, what: string): string {
  const words = list.map((id) => names?.get(id) ?? `a removed ${what}`);
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function plural(n: number, unit: string): string {
  return `${n} ${n === 1 ? unit.replace(/s$/, '') : unit}`;
}

/** A condition as the CRM says it: "Last visit within the last 12 months". */
export function describeCondition(c: SegmentCondition, names: FilterNames = {}): string {
  switch (c.kind) {
    case 'tag':
      return c.op === 'has' ? `Tagged “${c.tag}”` : `Not tagged “${c.tag}”`;
    case 'last_visit':
      if (c.ago) return c.when === 'since' ? `Last visit within the last ${plural(c.ago.amount, c.ago.unit)}` : `Last visit more than ${plural(c.ago.amount, c.ago.unit)} ago`;
      return c.when === 'since' ? `Last visit on or after ${c.date}` : `Last visit before ${c.date}`;
    case 'service':
      return `Had a visit for ${nameList(c.ids, names.services, 'service')}`;
    case 'location':
      return `Had a visit at ${nameList(c.ids, names.locations, 'location')}`;
    case 'age':
      if (c.min !== null && c.max !== null) return c.min === c.max ? `Aged ${c.min}` : `Aged ${c.min} to ${c.max}`;
      return c.min !== null ? `Aged ${c.min} or over` : `Aged ${c.max} or under`;
    case 'subscription':
      return c.productIds.length ? `Active subscription to ${nameList(c.productIds, names.products, 'product')}` : 'Has an active subscription';
    case 'product':
      return `Bought ${nameList(c.ids, names.products, 'product')}`;
    case 'language':
      return `Prefers ${c.values.map((v) => LANGUAGE_LABELS[v]).join(' or ')}`;
  }
}

/** The whole filter in one line, for the list of segments. */
export function describeFilter(filter: SegmentFilter, names: FilterNames = {}): string {
  return filter.conditions.length ? filter.conditions.map((c) => describeCondition(c, names)).join(' · ') : 'Every patient';
}
