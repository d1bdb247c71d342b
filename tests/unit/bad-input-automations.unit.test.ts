import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { automationFormSchema, draftFromPost, editDraft, EMPTY_DRAFT, postTooLong } from '@/lib/engagement/automations/builder-form';
import { automationInputSchema, conditionSchema, TRIGGERS, type Condition } from '@/lib/engagement/automations/definition';
import { definitionProblems, evaluateCondition, firstFailing, neededFacts, type Facts } from '@/lib/engagement/automations/evaluate';
import { hostileString, hostileValue, leaksIn, wrongType, zodDefaultIn } from '../support/hostile';

/**
 * Issue 21 point 7, bad input for automation filters and conditions
 * (lib/engagement/automations/definition.ts, evaluate.ts, builder-form.ts): operators and kinds
 * that do not exist, nesting 10,000 deep, wrong value types, prototype keys, huge arrays. The
 * schema answers in words and never throws; the builder's post reader keeps only its own fields;
 * evaluation of whatever the schema takes is a yes or a no, never a throw, and an unknown fact
 * is a no.
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 60);
const SEED = 2124;
const UUID = '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c';
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function deep(depth: number, leaf: unknown): unknown {
  let node = leaf;
  for (let i = 0; i < depth; i++) node = { kind: 'check', conditions: [node] };
  return node;
}

function nestedArrays(depth: number): unknown {
  let node: unknown = 'x';
  for (let i = 0; i < depth; i++) node = [node];
  return node;
}

const valid = { name: 'Reminder', trigger: 'appointment.booked', filter: [], steps: [{ kind: 'wait', duration: { amount: 1, unit: 'days' } }] };

function refusedInWords(input: unknown): string[] {
  const started = performance.now();
  const parsed = automationInputSchema.safeParse(input);
  expect(performance.now() - started).toBeLessThan(2_000);
  expect(parsed.success).toBe(false);
  const messages = parsed.error!.issues.map((i) => i.message);
  for (const m of messages) {
    expect(zodDefaultIn(m), m).toBe(false);
    expect(leaksIn(m), m).toEqual([]);
  }
  return messages;
}

describe('automation definitions: named hostile shapes', () => {
  it.each([['matches'], ['regex'], ['$where'], ['eval'], ['__proto__'], ['>'], [''], [null], [42]])('an operator %j that does not exist is refused in words', (op) => {
    refusedInWords({ ...valid, filter: [{ kind: 'event', key: 'serviceId', op, values: [UUID] }] });
    refusedInWords({ ...valid, filter: [{ kind: 'age', op, years: 18 }] });
  });

  it.each([['script'], ['sql'], ['__proto__'], ['constructor'], ['or'], ['not']])('a condition kind %j that does not exist is refused in words', (kind) => {
    refusedInWords({ ...valid, filter: [{ kind, op: 'in', values: ['x'] }] });
  });

  it.each([[100], [10_000]])('checks nested %i deep (a shape that has no nesting) are refused in words, not a stack overflow', (depth) => {
    refusedInWords({ ...valid, steps: [deep(depth, { kind: 'tag', op: 'has', tag: 'vip' })] });
    refusedInWords({ ...valid, filter: [deep(depth, { kind: 'tag', op: 'has', tag: 'vip' })] });
  });

  it('values nested 10,000 arrays deep are refused in words', () => {
    refusedInWords({ ...valid, filter: [{ kind: 'event', key: 'serviceId', op: 'in', values: nestedArrays(10_000) }] });
  });

  it('10,000 filter conditions, 10,000 values and 10,000 steps are refused in words', () => {
    const condition = { kind: 'event', key: 'serviceId', op: 'in', values: [UUID] };
    expect(refusedInWords({ ...valid, filter: Array.from({ length: 10_000 }, () => condition) }).join(' ')).toMatch(/at most 20/);
    expect(refusedInWords({ ...valid, filter: [{ ...condition, values: Array.from({ length: 10_000 }, () => UUID) }] }).join(' ')).toMatch(/at most 100/);
    expect(refusedInWords({ ...valid, steps: Array.from({ length: 10_000 }, () => valid.steps[0]) }).join(' ')).toMatch(/at most 30/);
  });

  it.each(PROTO_KEYS.map((k) => [k]))('an event field named %j is a problem named in words, and evaluates to no', (key) => {
    const filter = [{ kind: 'event', key, op: 'in', values: ['x'] }] as Condition[];
    expect(conditionSchema.safeParse(filter[0]).success).toBe(true);
    expect(definitionProblems('appointment.booked', filter, [])).toEqual([`Filter condition 1: this trigger has no “${key}”.`]);
    const facts: Facts = { subject: { serviceId: UUID }, today: '2026-12-01', patient: null };
    expect(evaluateCondition(filter[0]!, facts)).toBe(false);
    expect(evaluateCondition({ ...filter[0]!, op: 'not_in' } as Condition, facts)).toBe(false);
  });

  it('a JSON body with a __proto__ key does not reach the parsed definition', () => {
    const input = JSON.parse(`{"name":"R","trigger":"appointment.booked","filter":[],"steps":[{"kind":"wait","duration":{"amount":1,"unit":"days"},"__proto__":{"kind":"webhook","url":"https://evil.test"}}],"__proto__":{"isAdmin":true}}`) as unknown;
    const parsed = automationInputSchema.safeParse(input);
    expect(parsed.success).toBe(true);
    expect(parsed.data!.steps[0]).toEqual({ kind: 'wait', duration: { amount: 1, unit: 'days' } });
    expect((parsed.data as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

/** A condition built from parts that are each right, missing, of the wrong type or hostile. */
const hostileCondition: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      kind: fc.oneof(fc.constantFrom('event', 'tag', 'age', 'language', 'consent', 'appointment_status', 'form_state', 'invoice_state', 'order_status', 'nope', ...PROTO_KEYS), hostileValue),
      key: fc.oneof(fc.constantFrom('serviceId', 'locationId', 'status', ...PROTO_KEYS), hostileValue),
      op: fc.oneof(fc.constantFrom('in', 'not_in', 'has', 'lacks', 'at_least', 'under', 'given', 'not_given', 'eq', '==', 'like'), hostileValue),
      values: fc.oneof(fc.array(fc.oneof(fc.constantFrom(UUID, 'booked', 'cancelled', 'en', 'es', 'shipped'), hostileValue), { maxLength: 4 }), wrongType, fc.constant(Array.from({ length: 5_000 }, () => 'en'))),
      tag: fc.oneof(fc.constantFrom('vip', 'VIP ', '__proto__'), hostileValue),
      years: fc.oneof(fc.integer({ min: -5, max: 200 }), hostileValue),
      channel: fc.oneof(fc.constantFrom('email', 'sms', 'fax'), hostileValue),
      purpose: fc.oneof(fc.constantFrom('care', 'marketing', 'sales'), hostileValue),
      state: fc.oneof(fc.constantFrom('open', 'submitted', 'owed', 'paid', 'lost'), hostileValue),
    },
    { requiredKeys: [] },
  ),
  wrongType,
);

const hostileStep: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      kind: fc.oneof(fc.constantFrom('wait', 'wait_until', 'check', 'send', 'task', 'tag', 'order_status', 'webhook', 'exec'), hostileValue),
      duration: fc.oneof(fc.record({ amount: fc.oneof(fc.integer({ min: -1, max: 10_000_000 }), hostileValue), unit: fc.oneof(fc.constantFrom('minutes', 'hours', 'days', 'weeks'), hostileValue) }), wrongType),
      conditions: fc.oneof(fc.array(hostileCondition, { maxLength: 3 }), wrongType),
      templateId: fc.oneof(fc.constant(UUID), hostileValue),
      title: hostileValue,
      url: fc.oneof(fc.constantFrom('https://example.org/hook', 'javascript:alert(1)', 'file:///etc/passwd', 'http://169.254.169.254/'), hostileValue),
      to: hostileValue,
    },
    { requiredKeys: [] },
  ),
  wrongType,
);

const hostileAutomation: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: hostileValue },
  {
    weight: 5,
    arbitrary: fc.record({
      name: fc.oneof(fc.constant('Reminder'), hostileValue),
      description: hostileValue,
      trigger: fc.oneof(fc.constantFrom(...TRIGGERS), hostileValue),
      filter: fc.oneof({ weight: 4, arbitrary: fc.array(hostileCondition, { maxLength: 4 }) }, { weight: 1, arbitrary: wrongType }),
      steps: fc.oneof({ weight: 4, arbitrary: fc.array(hostileStep, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: wrongType }),
    }, { requiredKeys: [] }),
  },
);

/** Facts of every shape the runner could load, including missing ones and hostile subjects. */
const hostileFacts: fc.Arbitrary<Facts> = fc.record({
  subject: fc.oneof(fc.dictionary(fc.constantFrom('serviceId', 'status', ...PROTO_KEYS), hostileValue), fc.constant(Object.create(null) as Record<string, unknown>)),
  today: fc.constantFrom('2026-12-01', '2026-02-30', 'not a day', ''),
  patient: fc.option(fc.record({
    tags: fc.array(fc.constantFrom('vip', '__proto__'), { maxLength: 2 }).map((t) => new Set(t)),
    dateOfBirth: fc.constantFrom('1990-01-02', '', 'x', '2026-13-45'),
    language: fc.constantFrom('en', 'es', '', '__proto__'),
    consents: fc.constant({}),
  }), { nil: null }),
  appointmentStatus: fc.constantFrom(undefined, null, 'booked', 'cancelled'),
  formState: fc.constantFrom(undefined, null, 'open', 'submitted'),
  invoiceState: fc.constantFrom(undefined, null, 'owed', 'paid'),
  orderStatus: fc.constantFrom(undefined, null, 'shipped'),
}) as fc.Arbitrary<Facts>;

describe('automation definitions (property)', () => {
  it('parsing never throws and refuses in words; what it takes evaluates to a yes or a no on any facts', () => {
    fc.assert(
      fc.property(hostileAutomation, hostileFacts, (input, facts) => {
        const parsed = automationInputSchema.safeParse(input);
        if (!parsed.success) {
          for (const { message } of parsed.error.issues) {
            expect(zodDefaultIn(message), message).toBe(false);
            expect(leaksIn(message), message).toEqual([]);
          }
          return;
        }
        const { trigger, filter, steps } = parsed.data;
        expect(Array.isArray(definitionProblems(trigger, filter, steps))).toBe(true);
        neededFacts(filter);
        for (const c of [...filter, ...steps.flatMap((s) => (s.kind === 'check' ? s.conditions : []))]) expect(typeof evaluateCondition(c, facts)).toBe('boolean');
        firstFailing(filter, facts);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('an event condition on a field the subject lacks (or holds as a non-word) is a no, whatever the operator', () => {
    fc.assert(
      fc.property(hostileFacts, fc.constantFrom(...PROTO_KEYS, 'missing'), fc.constantFrom('in', 'not_in'), (facts, key, op) => {
        // An inherited member (Object.prototype's constructor, toString…) is not a field of the event.
        const value = Object.hasOwn(facts.subject, key) ? facts.subject[key] : undefined;
        const c = { kind: 'event', key, op, values: ['x'] } as Condition;
        if (typeof value !== 'string' && value !== null) expect(evaluateCondition(c, facts)).toBe(false);
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });
});

describe('the builder’s posted form (property)', () => {
  const fieldName = fc.oneof(
    fc.constantFrom('name', 'description', 'trigger', 'intent', 'filter.0.kind', 'filter.0.values', 'filter.0.__proto__', 'filter.__proto__.kind', 'steps.0.kind', 'steps.0.duration.amount',
      'steps.0.constructor.prototype', 'steps.0.conditions.0.kind', 'steps.0.conditions.__proto__.kind', 'steps.99.kind', 'steps.9999999999.kind', 'steps.0.a.b.c.d.e', '__proto__', 'constructor'),
    fc.tuple(fc.constantFrom('filter', 'steps'), fc.nat(40), fc.constantFrom('kind', 'op', 'values', 'key', '__proto__', 'duration.amount', 'conditions.0.kind')).map(([r, i, f]) => `${r}.${i}.${f}`),
    hostileString,
  );
  const post = fc.dictionary(fieldName, fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }), fc.constantFrom('event', 'check', 'wait', 'in', '__proto__')), { maxKeys: 30 });

  it('draftFromPost keeps its own fields only, never more than the limits, and the schema answers in words', () => {
    fc.assert(
      fc.property(post, fc.constantFrom('add-step', 'remove-step:0', 'up-step:1', 'add-filter', 'remove-check:0:0', 'add-check:99', '__proto__', 'remove-step:__proto__'), (p, intent) => {
        const draft = draftFromPost(p);
        expect(draft.steps.length).toBeLessThanOrEqual(31);
        expect(draft.filter.length).toBeLessThanOrEqual(21);
        expect(Object.getPrototypeOf(draft)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).kind).toBeUndefined();
        postTooLong(p);
        editDraft(draft, intent, p);
        const parsed = automationFormSchema.safeParse(draft);
        if (!parsed.success) for (const { message } of parsed.error.issues) expect(zodDefaultIn(message), message).toBe(false);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('an empty draft is refused in words', () => {
    const parsed = automationFormSchema.safeParse(EMPTY_DRAFT);
    expect(parsed.success).toBe(false);
    for (const { message } of parsed.error!.issues) expect(zodDefaultIn(message), message).toBe(false);
  });
});
