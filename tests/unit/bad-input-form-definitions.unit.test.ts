import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAnswers } from '@/lib/clinic-forms/answers';
import { fieldTypes, type FormDefinition, type FormField } from '@/lib/clinic-forms/definition';
import { formDefinitionSchema, MAX_FIELDS, MAX_SECTION_DEPTH } from '@/lib/clinic-forms/definition-schema';
import { visibleFields } from '@/lib/clinic-forms/enable-when';
import { fromQuestionnaire, toQuestionnaire } from '@/lib/clinic-forms/fhir';
import { hostileString, hostileValue, leaksIn, wrongType, zodDefaultIn } from '../support/hostile';

/**
 * Issue 21 point 7, bad input for the form builder's definitions (lib/clinic-forms): what the
 * builder's save parses whole (formDefinitionSchema) and what the filler evaluates on a stored
 * definition (visibleFields, checkAnswers). Deep nesting, 10,000 items, cyclic and dangling
 * conditions, duplicate ids, huge strings and wrong types: never a throw, never zod's wording,
 * bounded time, and nothing the save takes that cannot be read back.
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 60);
const SEED = 2121;

const question = (linkId: string, extra: Partial<FormField> = {}): FormField => ({ linkId, type: 'short_text', label: `Question ${linkId}`, required: false, ...extra });
const definition = (fields: unknown[]): unknown => ({ title: 'Intake', kind: 'questionnaire', fields });

/** Sections in sections, `depth` deep, a question at the bottom. */
function nested(depth: number): unknown {
  let inner: unknown = question('leaf');
  for (let i = depth; i > 0; i--) inner = { linkId: `s${i}`, type: 'section', label: `Section ${i}`, required: false, fields: [inner] };
  return definition([inner]);
}

/** What a save would do with the result: refused (a shape issue, which saveDraft refuses) or taken as a draft. */
function saved(input: unknown): { refused: boolean; messages: string[] } {
  const parsed = formDefinitionSchema.safeParse(input);
  if (parsed.success) return { refused: false, messages: [] };
  const shape = parsed.error.issues.filter((i) => i.code !== 'custom');
  return { refused: shape.length > 0, messages: parsed.error.issues.map((i) => i.message) };
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

describe('form definitions: deep, wide and cyclic', () => {
  it.each([[1_000], [10_000], [80_000]])('sections %i deep are refused in words, not a stack overflow', (depth) => {
    const { value, ms } = timed(() => saved(nested(depth)));
    expect(value.refused).toBe(true);
    expect(value.messages.join(' ')).toMatch(/sections/i);
    expect(ms).toBeLessThan(2_000);
  });

  it(`sections up to ${MAX_SECTION_DEPTH} deep are taken and read back`, () => {
    const input = nested(MAX_SECTION_DEPTH);
    expect(saved(input).refused).toBe(false);
    expect(() => fromQuestionnaire(toQuestionnaire(input as FormDefinition), 'questionnaire', { allowEmpty: true })).not.toThrow();
  });

  it.each([[MAX_FIELDS + 1], [501], [10_000]])('%i fields are refused at save (a draft that large could not be read back)', (count) => {
    const input = definition(Array.from({ length: count }, (_, i) => question(`q${i}`)));
    const { value, ms } = timed(() => saved(input));
    expect(value.refused).toBe(true);
    expect(value.messages.join(' ')).toContain(`at most ${MAX_FIELDS} fields`);
    expect(ms).toBeLessThan(2_000);
  });

  it('whatever a save takes, the builder can read back (the stored draft round-trips)', () => {
    const input = definition(Array.from({ length: MAX_FIELDS }, (_, i) => question(`q${i}`)));
    expect(saved(input).refused).toBe(false);
    const back = fromQuestionnaire(toQuestionnaire(input as FormDefinition), 'questionnaire', { allowEmpty: true });
    expect(back.fields).toHaveLength(MAX_FIELDS);
  });

  it('10,000 items hidden in one section are counted too', () => {
    const input = definition([{ linkId: 'big', type: 'section', label: 'Big', required: false, fields: Array.from({ length: 10_000 }, (_, i) => question(`q${i}`)) }]);
    expect(saved(input).refused).toBe(true);
  });

  it.each([
    ['a condition on itself', [question('a', { showWhen: { question: 'a', operator: 'answered', values: [] } })]],
    ['A on B on A', [question('a', { showWhen: { question: 'b', operator: 'answered', values: [] } }), question('b', { showWhen: { question: 'a', operator: 'answered', values: [] } })]],
    ['a missing question', [question('a', { showWhen: { question: 'ghost', operator: 'equals', values: ['x'] } })]],
    ['a later question', [question('a', { showWhen: { question: 'b', operator: 'answered', values: [] } }), question('b')]],
    ['two fields with one id', [question('a'), question('a')]],
  ])('%s is a problem the builder names (publish waits for none)', (_name, fields) => {
    const parsed = formDefinitionSchema.safeParse(definition(fields));
    expect(parsed.success).toBe(false);
    const messages = parsed.error!.issues.map((i) => i.message);
    expect(messages.some((m) => /does not come before it|share the id/.test(m)), messages.join(' | ')).toBe(true);
  });

  it('a stored definition with cyclic, self and dangling conditions is evaluated in one pass', () => {
    // What a definition edited in the database, or imported before the rules, could hold.
    const fields: FormField[] = [];
    for (let i = 0; i < 2_000; i++) fields.push(question(`q${i}`, { showWhen: { question: `q${(i + 1) % 2_000}`, operator: 'answered', values: [] } }));
    fields.push(question('self', { showWhen: { question: 'self', operator: 'equals', values: ['x'] } }));
    fields.push(question('ghost', { showWhen: { question: 'nobody', operator: 'one_of', values: ['x'] } }));
    const stored: FormDefinition = { title: 'Cycle', kind: 'questionnaire', fields };
    const answers = Object.fromEntries(fields.map((f) => [f.linkId, 'x']));
    const { value, ms } = timed(() => visibleFields(stored, answers));
    // A condition on a later (or missing) question sees no answer: hidden, never a loop.
    expect(value.has('self')).toBe(false);
    expect(value.has('ghost')).toBe(false);
    expect(ms).toBeLessThan(1_000);
    expect(() => checkAnswers(stored, answers, { final: true })).not.toThrow();
  });
});

/** A field made of hostile parts: each property missing, of the wrong type, or hostile text. */
const hostileField: fc.Arbitrary<unknown> = fc.record(
  {
    linkId: fc.oneof(fc.constantFrom('a', 'b', 'q1', '__proto__', 'constructor'), hostileValue),
    type: fc.oneof(fc.constantFrom(...fieldTypes), hostileValue),
    label: fc.oneof(fc.constant('A question'), hostileValue),
    help: hostileValue,
    required: fc.oneof(fc.boolean(), wrongType),
    options: fc.oneof(fc.array(fc.record({ code: fc.oneof(fc.constantFrom('a', 'b'), hostileValue), label: hostileValue, score: hostileValue }), { maxLength: 3 }), wrongType),
    min: hostileValue,
    max: hostileValue,
    recordField: hostileValue,
    showWhen: fc.oneof(
      fc.record({ question: fc.oneof(fc.constantFrom('a', 'b', 'q1'), hostileValue), operator: fc.oneof(fc.constantFrom('equals', 'one_of', 'answered', 'exists', '>'), hostileValue), values: fc.oneof(fc.array(hostileString, { maxLength: 3 }), wrongType) }),
      wrongType,
    ),
    fields: wrongType,
  },
  { requiredKeys: [] },
);

const hostileDefinition: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: hostileValue },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        title: fc.oneof(fc.constant('Intake'), hostileValue),
        kind: fc.oneof(fc.constantFrom('intake', 'consent', 'questionnaire', 'home_activity'), hostileValue),
        description: hostileValue,
        fields: fc.oneof({ weight: 4, arbitrary: fc.array(hostileField, { maxLength: 6 }) }, { weight: 1, arbitrary: wrongType }),
        scoring: fc.oneof(fc.record({ bands: fc.oneof(fc.array(fc.record({ min: hostileValue, max: hostileValue, label: hostileValue }), { maxLength: 3 }), wrongType) }), wrongType),
        days: hostileValue,
      },
      { requiredKeys: ['fields'] },
    ),
  },
);

describe('form definitions: hostile shapes (property)', () => {
  it('parsing never throws, answers in words (never zod’s own, never internals), and what it takes reads back', () => {
    fc.assert(
      fc.property(hostileDefinition, (input) => {
        const parsed = formDefinitionSchema.safeParse(input);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            expect(zodDefaultIn(issue.message), `${issue.path.join('.')}: ${issue.message}`).toBe(false);
            expect(leaksIn(issue.message)).toEqual([]);
            expect(issue.message.length).toBeLessThan(500);
          }
          return;
        }
        expect(() => fromQuestionnaire(toQuestionnaire(parsed.data as FormDefinition), parsed.data.kind, { allowEmpty: true })).not.toThrow();
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });
});

describe('answers of the wrong type, for every question type (property)', () => {
  const fields: FormField[] = [
    question('text'), question('long', { type: 'long_text' }), question('num', { type: 'number', min: 0, max: 10, integer: true }), question('date', { type: 'date' }),
    question('one', { type: 'single_choice', options: [{ code: 'a', label: 'A' }, { code: 'b', label: 'B' }] }),
    question('many', { type: 'multiple_choice', options: [{ code: 'a', label: 'A' }, { code: 'b', label: 'B' }] }),
    question('yes', { type: 'yes_no' }), question('mail', { type: 'email' }), question('tel', { type: 'phone' }), question('file', { type: 'file' }),
  ];
  const form: FormDefinition = { title: 'All types', kind: 'intake', fields };
  const wrongAnswer = fc.oneof(
    hostileValue,
    fc.constantFrom(1e308, -1, 10.5, '2026-02-30', '2025-02-29', 'c', ['a', 'a'], ['a', 'zzz'], [1, 2], { code: 'a' }, Array.from({ length: 100_000 }, () => 'a'), 'x'.repeat(100_000)),
    fc.array(hostileValue, { maxLength: 4 }),
  );

  it('never a throw; what is accepted has the field’s own type and only offered values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields.map((f) => f.linkId), '__proto__', 'constructor', 'ghost'), wrongAnswer, { maxKeys: 6 }), (raw) => {
        const { answers, problems } = checkAnswers(form, raw as never, { final: false });
        for (const linkId of Object.keys(problems)) expect(fields.map((f) => f.linkId)).toContain(linkId);
        for (const [linkId, value] of Object.entries(answers)) {
          const field = fields.find((f) => f.linkId === linkId)!;
          switch (field.type) {
            case 'number': expect(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10).toBe(true); break;
            case 'yes_no': expect(typeof value).toBe('boolean'); break;
            case 'single_choice': expect(['a', 'b']).toContain(value); break;
            case 'multiple_choice': expect((value as string[]).every((c) => c === 'a' || c === 'b') && new Set(value as string[]).size === (value as string[]).length).toBe(true); break;
            case 'date': expect(value).toMatch(/^\d{4}-\d{2}-\d{2}$/); expect(new Date(`${value as string}T00:00:00Z`).toISOString().startsWith(value as string)).toBe(true); break;
            case 'file': expect(value).toMatch(/^[0-9a-f-]{36}$/i); break;
            default: expect(typeof value).toBe('string'); expect((value as string).length).toBeLessThanOrEqual(5_000);
          }
        }
        expect(Object.hasOwn(answers, 'ghost')).toBe(false);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });
});
