import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { describeCondition, describeFilter, filterIds, sameFilter, segmentConditionSchema, segmentFilterSchema, type SegmentCondition } from '@/lib/engagement/segments/filter';
import {
  conditionFromSlot, createSegmentSchema, filterFromForm, onSlots, segmentCountSchema, segmentFromForm, slotFromCondition, slotName, BLANK_SLOT, SLOT_COUNT,
} from '@/lib/engagement/segments/forms';
import { bornBy, monthsBefore, segmentWhere, visitBoundary } from '@/lib/engagement/segments/query';
import { RuleError } from '@/lib/kernel/errors';

/**
 * Segments (issue 18 point 6), pure parts: the filter's closed set of conditions and what it
 * refuses, the builder's slots (each refusal on its slot's own field), the calendar arithmetic
 * behind "12 months ago" and ages, and the shape of the SQL (every condition bound to the clinic,
 * every value a parameter).
 */

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const TENANT = '99999999-9999-4999-8999-999999999999';
const DAY = { date: '2026-06-15', timeZone: 'America/Los_Angeles' };

const every: SegmentCondition[] = [
  { kind: 'tag', op: 'has', tag: 'vip' },
  { kind: 'tag', op: 'lacks', tag: 'weight-loss-2' },
  { kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } },
  { kind: 'last_visit', when: 'before', date: '2025-01-01' },
  { kind: 'service', ids: [A, B] },
  { kind: 'location', ids: [A] },
  { kind: 'age', min: 18, max: 65 },
  { kind: 'subscription', productIds: [] },
  { kind: 'product', ids: [B] },
  { kind: 'language', values: ['es'] },
];

describe('the filter schema', () => {
  it('takes each kind of condition, and a filter of up to ten', () => {
    for (const c of every) expect(segmentConditionSchema.parse(c)).toEqual(c);
    expect(segmentFilterSchema.parse({ conditions: every })).toEqual({ conditions: every });
    expect(segmentFilterSchema.parse({ conditions: [] })).toEqual({ conditions: [] });
  });

  it('refuses what is not in the closed set, or malformed', () => {
    const bad: unknown[] = [
      { kind: 'sql', text: 'true' },
      { kind: 'tag', op: 'has', tag: 'VIP' },
      { kind: 'tag', op: 'has', tag: "vip' or 1=1 --" },
      { kind: 'tag', op: 'maybe', tag: 'vip' },
      { kind: 'tag', op: 'has', tag: 'vip', extra: 1 },
      { kind: 'last_visit', when: 'since' },
      { kind: 'last_visit', when: 'since', date: '2025-01-01', ago: { amount: 1, unit: 'days' } },
      { kind: 'last_visit', when: 'since', date: '2025-02-30' },
      { kind: 'last_visit', when: 'since', ago: { amount: 0, unit: 'months' } },
      { kind: 'last_visit', when: 'since', ago: { amount: 241, unit: 'months' } },
      { kind: 'last_visit', when: 'since', ago: { amount: 3651, unit: 'days' } },
      { kind: 'last_visit', when: 'since', ago: { amount: 3, unit: 'years' } },
      { kind: 'service', ids: [] },
      { kind: 'service', ids: ['not-an-id'] },
      { kind: 'location', ids: [A, A] },
      { kind: 'age', min: null, max: null },
      { kind: 'age', min: 40, max: 30 },
      { kind: 'age', min: -1, max: null },
      { kind: 'age', min: 1.5, max: null },
      { kind: 'language', values: [] },
      { kind: 'language', values: ['fr'] },
    ];
    for (const c of bad) expect(segmentConditionSchema.safeParse(c).success, JSON.stringify(c)).toBe(false);
    expect(segmentFilterSchema.safeParse({ conditions: [...every, every[0]] }).success).toBe(false);
    expect(segmentFilterSchema.safeParse({ conditions: [], match: 'any' }).success).toBe(false);
  });

  it('lists the ids a filter names, and compares filters whatever their keys’ order', () => {
    expect(filterIds({ conditions: every })).toEqual({ services: [A, B], locations: [A], products: [B] });
    expect(sameFilter({ conditions: [{ kind: 'age', min: 1, max: 2 }] }, JSON.parse('{"conditions":[{"max":2,"min":1,"kind":"age"}]}'))).toBe(true);
    expect(sameFilter({ conditions: [{ kind: 'age', min: 1, max: 2 }] }, { conditions: [{ kind: 'age', min: 1, max: 3 }] })).toBe(false);
  });

  it('says each condition in words, naming what its ids point at', () => {
    const names = { services: new Map([[A, 'Checkup'], [B, 'Cleaning']]), locations: new Map([[A, 'Downtown']]), products: new Map([[B, 'Cleanser kit']]) };
    expect(every.map((c) => describeCondition(c, names))).toEqual([
      'Tagged “vip”', 'Not tagged “weight-loss-2”', 'Last visit within the last 12 months', 'Last visit before 2025-01-01',
      'Had a visit for Checkup or Cleaning', 'Had a visit at Downtown', 'Aged 18 to 65', 'Has an active subscription', 'Bought Cleanser kit', 'Prefers Spanish',
    ]);
    expect(describeCondition({ kind: 'last_visit', when: 'before', ago: { amount: 1, unit: 'months' } })).toBe('Last visit more than 1 month ago');
    expect(describeCondition({ kind: 'service', ids: [A] })).toBe('Had a visit for a removed service');
    expect(describeFilter({ conditions: [] })).toBe('Every patient');
  });
});

describe('the builder’s slots', () => {
  it('turn each condition into a slot and back', () => {
    for (const c of every) expect(conditionFromSlot(slotFromCondition(c))).toEqual({ condition: c });
  });

  it('report a refusal on the slot’s own field', () => {
    const form = (slots: Record<string, string | string[]>) => ({ name: 'Lapsed', ...slots });
    const errors = (input: Record<string, unknown>) => {
      const parsed = createSegmentSchema.safeParse(input);
      return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? ''), i.message]));
    };
    expect(errors(form({ c0_kind: 'has_tag', c0_tag: 'Not a tag!' }))).toEqual({ c0_tag: 'A tag is up to 40 lower-case letters, digits and dashes.' });
    expect(errors(form({ c3_kind: 'last_visit', c3_visit: 'within', c3_amount: 'twelve' }))).toEqual({ c3_amount: 'Enter how many months, as a whole number.' });
    expect(errors(form({ c1_kind: 'last_visit', c1_visit: 'before_date', c1_date: '' }))).toEqual({ c1_date: 'Enter the date.' });
    expect(errors(form({ c2_kind: 'service' }))).toEqual({ c2_serviceIds: 'Choose at least one service.' });
    expect(errors(form({ c4_kind: 'age', c4_min: '50', c4_max: '40' }))).toEqual({ c4_max: 'The highest age is below the lowest.' });
    expect(errors(form({ c5_kind: 'language', c5_languages: 'fr' }))).toEqual({ c5_languages: expect.any(String) });
    expect(errors(form({ c0_kind: 'drop table' }))).toEqual({ c0_kind: 'Choose a condition from the list.' });
    expect(errors(form({ [slotName(SLOT_COUNT, 'kind')]: 'age' }))).toEqual({ '': expect.stringContaining('field it does not have') });
  });

  it('skip an empty slot whatever its other fields hold, and keep each condition’s slot', () => {
    const values = createSegmentSchema.parse({
      name: ' Spanish speakers ', description: '', c0_kind: '', c0_tag: 'ignored', c0_visit: 'within', c0_unit: 'months', c0_amount: '12',
      c2_kind: 'language', c2_languages: 'es', c2_tag: 'also ignored', c5_kind: 'lacks_tag', c5_tag: 'VIP ',
    });
    expect(segmentFromForm(values)).toEqual({
      input: { name: 'Spanish speakers', description: null, filter: { conditions: [{ kind: 'language', values: ['es'] }, { kind: 'tag', op: 'lacks', tag: 'vip' }] } },
      slots: [2, 5],
    });
    expect(filterFromForm(segmentCountSchema.parse({})).filter).toEqual({ conditions: [] });
    expect(segmentCountSchema.safeParse({ name: 'x' }).success).toBe(false);
  });

  it('move lib’s refusal about condition i to the slot it was typed in', () => {
    const moved = onSlots(new RuleError('segment-unknown-choice', 'Not saved.', { 'conditions.1.serviceIds': 'Choose services from the clinic’s list.', name: 'kept' }), [2, 7]);
    expect(moved.fieldErrors).toEqual({ c7_serviceIds: 'Choose services from the clinic’s list.', name: 'kept' });
    expect(moved.code).toBe('segment-unknown-choice');
  });

  it('start blank', () => {
    expect(conditionFromSlot(BLANK_SLOT)).toEqual({ errors: { kind: 'Choose a condition from the list.' } });
  });
});

describe('the clinic’s calendar', () => {
  it('counts months back, a day the month lacks becoming its last', () => {
    expect(monthsBefore('2026-06-15', 12)).toBe('2025-06-15');
    expect(monthsBefore('2026-03-31', 1)).toBe('2026-02-28');
    expect(monthsBefore('2024-03-31', 1)).toBe('2024-02-29');
    expect(monthsBefore('2026-01-15', 1)).toBe('2025-12-15');
    expect(monthsBefore('2026-01-15', 25)).toBe('2023-12-15');
  });

  it('reads an age in whole years, 29 February birthdays on the 28th', () => {
    expect(bornBy('2026-06-15', 11)).toBe('2015-06-15');
    expect(bornBy('2024-02-29', 1)).toBe('2023-02-28');
    expect(bornBy('2025-02-28', 25)).toBe('2000-02-28');
  });

  it('starts a visit boundary at midnight in the clinic’s zone', () => {
    expect(visitBoundary({ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } }, DAY).toISOString()).toBe('2025-06-15T07:00:00.000Z');
    expect(visitBoundary({ kind: 'last_visit', when: 'since', ago: { amount: 30, unit: 'days' } }, DAY).toISOString()).toBe('2026-05-16T07:00:00.000Z');
    expect(visitBoundary({ kind: 'last_visit', when: 'before', date: '2026-01-01' }, DAY).toISOString()).toBe('2026-01-01T08:00:00.000Z');
  });
});

describe('the SQL', () => {
  const dialect = new PgDialect();
  const render = (conditions: SegmentCondition[]) => dialect.sqlToQuery(segmentWhere(TENANT, { conditions }, DAY));

  it('binds the patients and every subquery to the clinic, and passes every value as a parameter', () => {
    const { sql, params } = render(every);
    expect(sql.startsWith('("patients"."tenant_id" = $1 and ')).toBe(true);
    // One clinic bound per subquery: tags twice, visits five times (before is two), subscription, order.
    const tenantParams = params.filter((p) => p === TENANT).length;
    expect(tenantParams).toBe(1 + 2 + 5 + 1 + 1);
    for (const table of ['patient_tags', 'appointments', 'subscriptions', 'orders']) {
      expect(sql).toMatch(new RegExp(`exists \\(select 1 from "${table}".*? where \\("${table}"\\."tenant_id" = \\$\\d+ and "${table}"\\."patient_id" = "patients"\\."id"`));
    }
    for (const value of ['vip', 'weight-loss-2', '2025-01-01T08:00:00.000Z', A, B, 'es', 'completed', 'active', 'refunded']) {
      expect(params).toContain(value);
      if (value.length > 3) expect(sql).not.toContain(value);
    }
    // No literal of any kind in the text: no quote at all.
    expect(sql).not.toContain("'");
  });

  it('says lacks as NOT EXISTS, and "before" as a visit and none since', () => {
    expect(render([{ kind: 'tag', op: 'lacks', tag: 'vip' }]).sql).toMatch(/and not exists \(select 1 from "patient_tags"/);
    const before = render([{ kind: 'last_visit', when: 'before', ago: { amount: 12, unit: 'months' } }]);
    expect(before.sql).toMatch(/\(exists \(select 1 from "appointments" .*\) and not exists \(select 1 from "appointments" .* "appointments"\."starts_at" >= \$\d+\)\)\)\)$/);
    expect(before.params).toContain('2025-06-15T07:00:00.000Z');
  });

  it('reads ages on the date of birth, from and to both included', () => {
    const { sql, params } = render([{ kind: 'age', min: 18, max: 65 }]);
    expect(sql).toBe('("patients"."tenant_id" = $1 and ("patients"."date_of_birth" <= $2 and "patients"."date_of_birth" > $3))');
    expect(params).toEqual([TENANT, '2008-06-15', '1960-06-15']);
  });

  it('is the clinic alone for no conditions', () => {
    expect(render([])).toMatchObject({ sql: '"patients"."tenant_id" = $1', params: [TENANT] });
  });
});
