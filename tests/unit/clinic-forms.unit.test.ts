import { describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import { answersFromEntries, checkAnswers } from '@/lib/clinic-forms/answers';
import { formKinds, recordFields, type FormDefinition, type FormField } from '@/lib/clinic-forms/definition';
import { definitionProblems, formDefinitionSchema } from '@/lib/clinic-forms/definition-schema';
import { misplacedConditions, visibleFields } from '@/lib/clinic-forms/enable-when';
import { fromQuestionnaire, QuestionnaireImportError, toQuestionnaire } from '@/lib/clinic-forms/fhir';
import { fromResponseItems, toResponseItems } from '@/lib/clinic-forms/response-items';
import { scoreAnswers } from '@/lib/clinic-forms/scoring';
import { STARTER_TEMPLATES } from '@/lib/clinic-forms/starter-templates';

const form = (fields: FormField[]): FormDefinition => ({ title: 'T', kind: 'questionnaire', fields });
const field = (linkId: string, type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({ linkId, type, label: linkId, required: false, ...extra });
const starter = (key: string) => STARTER_TEMPLATES.find((t) => t.key === key)!.definition;

describe('the lists the database and the forms code share', () => {
  it('match', () => {
    expect([...schema.formKinds]).toEqual([...formKinds]);
    expect([...schema.recordFields]).toEqual([...recordFields]);
  });
});

describe('each field type checks its answer', () => {
  const cases: [FormField, unknown, string | null][] = [
    [field('a', 'short_text'), 'hello', null],
    [field('a', 'short_text'), 'x'.repeat(501), 'too_long'],
    [field('a', 'short_text'), 'bad\u0000', 'control_characters'],
    [field('a', 'long_text'), 'line one\nline two', null],
    [field('a', 'long_text'), 'x'.repeat(5001), 'too_long'],
    [field('a', 'number', { min: 1, max: 10 }), 5, null],
    [field('a', 'number', { min: 1, max: 10 }), 0, 'min'],
    [field('a', 'number', { min: 1, max: 10 }), 11, 'max'],
    [field('a', 'number', { integer: true }), 2.5, 'integer'],
    [field('a', 'number'), 'twelve', 'number'],
    [field('a', 'date'), '2026-02-28', null],
    [field('a', 'date'), '2026-02-30', 'date'],
    [field('a', 'date'), '28/02/2026', 'date'],
    [field('a', 'single_choice', { options: [{ code: 'x', label: 'X' }] }), 'x', null],
    [field('a', 'single_choice', { options: [{ code: 'x', label: 'X' }] }), 'y', 'option'],
    [field('a', 'multiple_choice', { options: [{ code: 'x', label: 'X' }, { code: 'y', label: 'Y' }] }), ['x', 'y'], null],
    [field('a', 'multiple_choice', { options: [{ code: 'x', label: 'X' }] }), ['x', 'z'], 'option'],
    [field('a', 'multiple_choice', { options: [{ code: 'x', label: 'X' }] }), ['x', 'x'], 'option'],
    [field('a', 'yes_no'), false, null],
    [field('a', 'yes_no'), 'maybe', 'option'],
    [field('a', 'email'), 'maria@example.com', null],
    [field('a', 'email'), 'maria@', 'email'],
    [field('a', 'phone'), '+1 (555) 555-0101', null],
    [field('a', 'phone'), 'call me', 'phone'],
    [field('a', 'file'), '0f8fad5b-d9cb-469f-a165-70867728950e', null],
    [field('a', 'file'), '../etc/passwd', 'file'],
  ];
  it.each(cases)('%j with %j → %s', (f, value, problem) => {
    const result = checkAnswers(form([f]), { a: value as never }, { final: true });
    expect(result.problems.a ?? null).toBe(problem);
    if (!problem) expect(result.answers.a).toEqual(typeof value === 'string' ? value.trim() : value);
  });

  it('asks for required answers only on submit, and only of shown fields', () => {
    const definition = form([
      field('smoker', 'yes_no', { required: true }),
      field('packs', 'number', { required: true, showWhen: { question: 'smoker', operator: 'equals', values: ['true'] } }),
    ]);
    expect(checkAnswers(definition, {}, { final: false }).problems).toEqual({});
    expect(checkAnswers(definition, {}, { final: true }).problems).toEqual({ smoker: 'required' });
    expect(checkAnswers(definition, { smoker: true }, { final: true }).problems).toEqual({ packs: 'required' });
    // A hidden field's answer is dropped, not kept or checked.
    const hidden = checkAnswers(definition, { smoker: false, packs: 'lots' }, { final: true });
    expect(hidden.problems).toEqual({});
    expect(hidden.answers).toEqual({ smoker: false });
  });

  it('reads what a form posts', () => {
    const definition = form([
      field('n', 'number'),
      field('b', 'yes_no'),
      field('m', 'multiple_choice', { options: [{ code: 'x', label: 'X' }, { code: 'y', label: 'Y' }] }),
      field('t', 'short_text'),
    ]);
    const answers = answersFromEntries(definition, [
      ['answer.n', '4,5'],
      ['answer.b', 'false'],
      ['answer.m', 'x'],
      ['answer.m', 'y'],
      ['answer.t', ''],
      ['answer.unknown', 'ignored'],
      ['revision', '3'],
    ]);
    expect(answers).toEqual({ n: 4.5, b: false, m: ['x', 'y'], t: null });
  });
});

describe('enableWhen', () => {
  const definition = form([
    field('q1', 'single_choice', { options: [{ code: 'a', label: 'A' }, { code: 'b', label: 'B' }, { code: 'c', label: 'C' }] }),
    field('eq', 'short_text', { showWhen: { question: 'q1', operator: 'equals', values: ['a'] } }),
    field('any', 'short_text', { showWhen: { question: 'q1', operator: 'one_of', values: ['b', 'c'] } }),
    field('answered', 'short_text', { showWhen: { question: 'q1', operator: 'answered', values: [] } }),
    field('chain', 'short_text', { showWhen: { question: 'eq', operator: 'answered', values: [] } }),
    field('group', 'section', {
      showWhen: { question: 'q1', operator: 'equals', values: ['c'] },
      fields: [field('inside', 'short_text')],
    }),
  ]);
  it('shows each field when its condition holds', () => {
    expect([...visibleFields(definition, {})]).toEqual(['q1']);
    expect([...visibleFields(definition, { q1: 'a', eq: 'x' })]).toEqual(['q1', 'eq', 'answered', 'chain']);
    expect([...visibleFields(definition, { q1: 'b' })]).toEqual(['q1', 'any', 'answered']);
    expect([...visibleFields(definition, { q1: 'c' })]).toEqual(['q1', 'any', 'answered', 'group', 'inside']);
  });
  it('treats a hidden question as unanswered', () => {
    // `eq` holds an answer, but q1 = b hides it, so `chain` is hidden too.
    expect(visibleFields(definition, { q1: 'b', eq: 'left over' }).has('chain')).toBe(false);
  });
  it('compares yes/no and multiple choices as the filler holds them', () => {
    const d = form([
      field('yn', 'yes_no'),
      field('m', 'multiple_choice', { options: [{ code: 'x', label: 'X' }, { code: 'y', label: 'Y' }] }),
      field('if_no', 'short_text', { showWhen: { question: 'yn', operator: 'equals', values: ['false'] } }),
      field('if_y', 'short_text', { showWhen: { question: 'm', operator: 'one_of', values: ['y'] } }),
    ]);
    expect([...visibleFields(d, { yn: false, m: ['x', 'y'] })]).toEqual(['yn', 'm', 'if_no', 'if_y']);
    expect([...visibleFields(d, { yn: true, m: ['x'] })]).toEqual(['yn', 'm']);
  });
  it('finds conditions on later fields', () => {
    const d = form([field('a', 'short_text', { showWhen: { question: 'b', operator: 'answered', values: [] } }), field('b', 'short_text')]);
    expect(misplacedConditions(d)).toEqual(['a']);
  });
});

describe('PHQ-9', () => {
  const phq9 = starter('phq-9');
  const answers = (scores: number[]) => Object.fromEntries(scores.map((s, i) => [`phq9_${i + 1}`, String(s)]));
  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 'Minimal depression'],
    [[1, 1, 1, 1, 1, 0, 0, 0, 0], 5, 'Mild depression'],
    [[2, 2, 2, 2, 1, 1, 0, 0, 0], 10, 'Moderate depression'],
    [[2, 2, 2, 2, 2, 2, 2, 1, 0], 15, 'Moderately severe depression'],
    [[3, 3, 3, 3, 3, 3, 3, 3, 3], 27, 'Severe depression'],
  ])('%j scores %i (%s)', (scores, total, band) => {
    expect(scoreAnswers(phq9, answers(scores))).toEqual({ score: total, band, unanswered: 0 });
  });
  it('counts unanswered items and ignores the unscored difficulty question', () => {
    expect(scoreAnswers(phq9, { phq9_1: '3', phq9_difficulty: 'very' })).toEqual({ score: 3, band: 'Minimal depression', unanswered: 8 });
  });
  it('is null for a form without scoring', () => {
    expect(scoreAnswers(starter('general-intake'), {})).toBeNull();
  });
});

describe('FHIR Questionnaire', () => {
  it.each(STARTER_TEMPLATES.map((t) => [t.key, t.definition] as const))('%s survives export and import unchanged', (_key, definition) => {
    const exported = JSON.parse(JSON.stringify(toQuestionnaire(definition, { status: 'active', version: 2 })));
    expect(exported.resourceType).toBe('Questionnaire');
    expect(fromQuestionnaire(exported)).toEqual(definition);
  });

  it('writes FHIR item types, enableWhen and answerOption', () => {
    const q = toQuestionnaire(starter('general-intake'));
    const history = q.item.find((i) => i.linkId === 'history')!;
    const medications = history.item!.find((i) => i.linkId === 'medications')!;
    expect(medications).toMatchObject({ type: 'text', required: true, enableWhen: [{ question: 'takes_medication', operator: '=' }] });
    expect(history.item!.find((i) => i.linkId === 'conditions')).toMatchObject({ type: 'choice', repeats: true });
    const phone = q.item[0]!.item!.find((i) => i.linkId === 'phone')!;
    expect(phone.definition).toBe('http://hl7.org/fhir/StructureDefinition/Patient#Patient.telecom.where(system=phone).value');
  });

  it('imports a plain FHIR questionnaire from elsewhere', () => {
    const imported = fromQuestionnaire({
      resourceType: 'Questionnaire',
      status: 'active',
      title: 'Smoking',
      item: [
        { linkId: '1', type: 'boolean', text: 'Do you smoke?', required: true },
        { linkId: '1.1', type: 'integer', text: 'Cigarettes a day', enableWhen: [{ question: '1', operator: '=', answerBoolean: true }] },
        { linkId: '2', type: 'choice', text: 'Alcohol', answerOption: [{ valueString: 'Never' }, { valueCoding: { code: 'weekly', display: 'Weekly' } }] },
      ],
    });
    expect(imported.fields).toEqual([
      { linkId: '1', type: 'yes_no', label: 'Do you smoke?', required: true },
      { linkId: '1_1', type: 'number', integer: true, label: 'Cigarettes a day', required: false, showWhen: { question: '1', operator: 'equals', values: ['true'] } },
      { linkId: '2', type: 'single_choice', label: 'Alcohol', required: false, options: [{ code: 'Never', label: 'Never' }, { code: 'weekly', label: 'Weekly' }] },
    ]);
    expect(definitionProblems(imported)).toEqual([]);
  });

  it.each([
    [{ resourceType: 'Patient' }, 'not_a_questionnaire'],
    [{ resourceType: 'Questionnaire', item: [] }, 'no_items'],
    [{ resourceType: 'Questionnaire', item: [{ linkId: 'a', type: 'quantity' }] }, 'unsupported_item_type:quantity'],
    [{ resourceType: 'Questionnaire', item: [{ linkId: 'a', type: 'choice' }] }, 'choice_without_options'],
    [{ resourceType: 'Questionnaire', item: [{ linkId: 'a', type: 'string' }, { linkId: 'b', type: 'string', enableWhen: [{ question: 'a', operator: '>', answerInteger: 1 }] }] }, 'unsupported_condition'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(() => fromQuestionnaire(input)).toThrow(new QuestionnaireImportError(reason));
  });
});

describe('QuestionnaireResponse items', () => {
  it('round-trips the answers of every field type, nested in sections', () => {
    const intake = starter('general-intake');
    const answers = {
      date_of_birth: '2019-04-02',
      phone: '+15555550101',
      conditions: ['asthma', 'heart'],
      takes_medication: true,
      medications: 'Salbutamol',
      has_allergies: 'no',
      emergency_name: 'Maria',
    };
    const items = toResponseItems(intake, answers);
    expect(items.map((i) => i.linkId)).toEqual(['demographics', 'history', 'emergency']);
    expect(items[1]!.item!.find((i) => i.linkId === 'conditions')!.answer).toEqual([
      { valueCoding: { code: 'asthma', display: 'Asthma' } },
      { valueCoding: { code: 'heart', display: 'Heart disease' } },
    ]);
    expect(fromResponseItems(intake, items)).toEqual(answers);
  });
});

describe('definitions', () => {
  it.each(STARTER_TEMPLATES.map((t) => [t.key, t.definition] as const))('the starter %s is publishable', (_key, definition) => {
    expect(definitionProblems(definition)).toEqual([]);
    expect(formDefinitionSchema.safeParse(definition).success).toBe(true);
  });

  it('names what is wrong', () => {
    const problems = definitionProblems(
      form([
        field('a', 'single_choice'),
        field('a', 'short_text', { recordField: 'date_of_birth' }),
        field('n', 'number', { min: 5, max: 1 }),
        field('d', 'display', { required: true }),
        field('w', 'short_text', { showWhen: { question: 'later', operator: 'answered', values: [] } }),
        field('later', 'short_text'),
      ]),
    );
    expect(problems).toEqual([
      '“a” needs at least one option.',
      'Two fields share the id “a”.',
      '“a” cannot feed the patient’s date of birth.',
      '“n”: the minimum is above the maximum.',
      '“d” cannot be required: it takes no answer.',
      '“w” depends on a question that does not come before it.',
    ]);
  });
});
