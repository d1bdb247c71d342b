import { describe, expect, it } from 'vitest';
import {
  builderReducer,
  codeFromLabel,
  conditionSources,
  conditionValues,
  describePlace,
  initialBuilderState,
  stepPlace,
  type BuilderAction,
  type BuilderState,
} from '@/lib/clinic-forms/builder-state';
import { flattenFields, type FormDefinition, type FormField } from '@/lib/clinic-forms/definition';
import { definitionProblems } from '@/lib/clinic-forms/definition-schema';

const field = (linkId: string, type: FormField['type'] = 'short_text', extra: Partial<FormField> = {}): FormField => ({ linkId, type, label: linkId, required: false, ...extra });
const form = (fields: FormField[]): FormDefinition => ({ title: 'Intake', kind: 'intake', fields });
const run = (state: BuilderState, ...actions: BuilderAction[]) => actions.reduce(builderReducer, state);
/** The tree as ids: sections as [id, [children]]. */
const shape = (fields: readonly FormField[]): unknown[] => fields.map((f) => (f.type === 'section' ? [f.linkId, shape(f.fields ?? [])] : f.linkId));

const base = () =>
  initialBuilderState(
    form([
      field('a'),
      field('smoker', 'yes_no'),
      field('s', 'section', { fields: [field('b'), field('c')] }),
      field('d'),
    ]),
  );

describe('the form builder state', () => {
  it('adds fields with ids no other field has, selects them, and marks the form changed', () => {
    let state = run(base(), { type: 'add', fieldType: 'short_text' }, { type: 'add', fieldType: 'short_text' });
    expect(shape(state.definition.fields)).toEqual(['a', 'smoker', ['s', ['b', 'c']], 'd', 'short_text_1', 'short_text_2']);
    expect(state).toMatchObject({ selected: 'short_text_2', dirty: true });
    state = run(state, { type: 'add', fieldType: 'single_choice', parent: 's' });
    const choice = state.definition.fields[2]!.fields![2]!;
    expect(choice).toMatchObject({ linkId: 'single_choice_1', options: [{ code: 'option_1', label: 'Option 1' }] });
    // A section inside a section, or a field into something that is not a section, is refused.
    expect(run(state, { type: 'add', fieldType: 'section', parent: 's' })).toBe(state);
    expect(run(state, { type: 'add', fieldType: 'short_text', parent: 'a' })).toBe(state);
    expect(run(state, { type: 'saved' }).dirty).toBe(false);
  });

  it('updates a field and drops what its new type does not have', () => {
    let state = run(base(), { type: 'update', linkId: 'a', patch: { label: 'Age', type: 'number', min: 0, max: 120, required: true } });
    expect(flattenFields(state.definition.fields).find((f) => f.linkId === 'a')).toEqual({ linkId: 'a', type: 'number', label: 'Age', required: true, min: 0, max: 120 });
    state = run(state, { type: 'update', linkId: 'a', patch: { type: 'display', heading: true } });
    expect(state.definition.fields[0]).toEqual({ linkId: 'a', type: 'display', label: 'Age', required: false, heading: true });
    state = run(state, { type: 'update', linkId: 'a', patch: { help: 'x' } }, { type: 'update', linkId: 'a', patch: { help: undefined } });
    expect(state.definition.fields[0]).not.toHaveProperty('help');
  });

  it('moves a field up and down past its neighbours, into and out of sections, keeping the same field', () => {
    const original = base().definition.fields[0];
    let state = run(base(), { type: 'move', linkId: 'a', direction: 'down' });
    expect(shape(state.definition.fields)).toEqual(['smoker', 'a', ['s', ['b', 'c']], 'd']);
    state = run(state, { type: 'move', linkId: 'a', direction: 'down' });
    expect(shape(state.definition.fields)).toEqual(['smoker', ['s', ['a', 'b', 'c']], 'd']);
    state = run(state, { type: 'move', linkId: 'a', direction: 'down' }, { type: 'move', linkId: 'a', direction: 'down' });
    expect(shape(state.definition.fields)).toEqual(['smoker', ['s', ['b', 'c', 'a']], 'd']);
    expect(describePlace(state.definition, 'a')).toBe('position 3 of 3, in the section “s”');
    state = run(state, { type: 'move', linkId: 'a', direction: 'down' });
    expect(shape(state.definition.fields)).toEqual(['smoker', ['s', ['b', 'c']], 'a', 'd']);
    expect(describePlace(state.definition, 'a')).toBe('position 3 of 4, at the top level');
    state = run(state, { type: 'move', linkId: 'a', direction: 'up' });
    expect(shape(state.definition.fields)).toEqual(['smoker', ['s', ['b', 'c', 'a']], 'd']);
    state = run(state, { type: 'move', linkId: 'b', direction: 'up' });
    expect(shape(state.definition.fields)).toEqual(['smoker', 'b', ['s', ['c', 'a']], 'd']);
    // The moved field is the same object: its id, label and settings travel with it.
    expect(flattenFields(state.definition.fields).find((f) => f.linkId === 'a')).toEqual(original);
    expect(state.selected).toBe('b');
  });

  it('moves a section past fields without swallowing them, and stops at the ends', () => {
    let state = run(base(), { type: 'move', linkId: 's', direction: 'up' });
    expect(shape(state.definition.fields)).toEqual(['a', ['s', ['b', 'c']], 'smoker', 'd']);
    state = run(state, { type: 'move', linkId: 's', direction: 'up' }, { type: 'move', linkId: 's', direction: 'up' });
    expect(shape(state.definition.fields)).toEqual([['s', ['b', 'c']], 'a', 'smoker', 'd']);
    expect(stepPlace(state.definition, 's', 'up')).toBeNull();
    expect(run(state, { type: 'move', linkId: 's', direction: 'up' })).toBe(state);
    expect(stepPlace(state.definition, 'd', 'down')).toBeNull();
  });

  it('moves by drag-and-drop to any place, but never a section into a section', () => {
    let state = run(base(), { type: 'moveTo', linkId: 'd', to: { parent: 's', index: 1 } });
    expect(shape(state.definition.fields)).toEqual(['a', 'smoker', ['s', ['b', 'd', 'c']]]);
    state = run(state, { type: 'moveTo', linkId: 'c', to: { parent: null, index: 0 } });
    expect(shape(state.definition.fields)).toEqual(['c', 'a', 'smoker', ['s', ['b', 'd']]]);
    const refused = run(state, { type: 'moveTo', linkId: 's', to: { parent: 's', index: 0 } });
    expect(refused).toBe(state);
    state = run(state, { type: 'add', fieldType: 'section' });
    expect(run(state, { type: 'moveTo', linkId: 'section_1', to: { parent: 's', index: 0 } })).toBe(state);
    // An index past the end puts the field last.
    state = run(state, { type: 'moveTo', linkId: 'c', to: { parent: 's', index: 99 } });
    expect(shape(state.definition.fields)).toEqual(['a', 'smoker', ['s', ['b', 'd', 'c']], ['section_1', []]]);
  });

  it('removes a field and the conditions that named it, so none depends on a missing question', () => {
    let state = run(
      base(),
      { type: 'update', linkId: 'b', patch: { showWhen: { question: 'smoker', operator: 'equals', values: ['true'] } } },
      { type: 'update', linkId: 'd', patch: { showWhen: { question: 'c', operator: 'answered', values: [] } } },
      { type: 'update', linkId: 'c', patch: { showWhen: { question: 'a', operator: 'answered', values: [] } } },
    );
    state = run(state, { type: 'remove', linkId: 'smoker' });
    expect(flattenFields(state.definition.fields).find((f) => f.linkId === 'b')).not.toHaveProperty('showWhen');
    // Removing a section removes its fields and the conditions on them.
    state = run(state, { type: 'remove', linkId: 's' });
    expect(shape(state.definition.fields)).toEqual(['a', 'd']);
    expect(state.definition.fields[1]).not.toHaveProperty('showWhen');
    expect(state.selected).toBe('d');
    expect(definitionProblems(state.definition)).toEqual([]);
  });

  it('makes option codes from labels, keeps them unique, and lets conditions follow a renamed or removed code', () => {
    expect(codeFromLabel('Más de la mitad de los días!')).toBe('mas_de_la_mitad_de_los_dias');
    expect(codeFromLabel('¿?')).toBe('option');
    let state = run(base(), { type: 'add', fieldType: 'single_choice' });
    const id = state.selected!;
    state = run(
      state,
      { type: 'updateOption', linkId: id, index: 0, patch: { label: 'Every day', score: 3 } },
      { type: 'addOption', linkId: id },
      { type: 'updateOption', linkId: id, index: 1, patch: { label: 'Every day' } },
      { type: 'add', fieldType: 'long_text' },
    );
    const follower = state.selected!;
    state = run(state, { type: 'update', linkId: follower, patch: { showWhen: { question: id, operator: 'one_of', values: ['every_day', 'every_day_2'] } } });
    const choice = () => flattenFields(state.definition.fields).find((f) => f.linkId === id)!;
    const condition = () => flattenFields(state.definition.fields).find((f) => f.linkId === follower)!.showWhen;
    expect(choice().options).toEqual([{ code: 'every_day', label: 'Every day', score: 3 }, { code: 'every_day_2', label: 'Every day' }]);
    // A chosen code stays when the label changes; a code made from the label follows it.
    state = run(state, { type: 'updateOption', linkId: id, index: 0, patch: { code: 'daily' } }, { type: 'updateOption', linkId: id, index: 0, patch: { label: 'Daily' } });
    state = run(state, { type: 'updateOption', linkId: id, index: 1, patch: { label: 'Most days' } });
    expect(choice().options).toEqual([{ code: 'daily', label: 'Daily', score: 3 }, { code: 'most_days', label: 'Most days' }]);
    expect(condition()?.values).toEqual(['daily', 'most_days']);
    state = run(state, { type: 'removeOption', linkId: id, index: 0 });
    expect(condition()?.values).toEqual(['most_days']);
    state = run(state, { type: 'updateOption', linkId: id, index: 0, patch: { score: undefined } });
    expect(choice().options).toEqual([{ code: 'most_days', label: 'Most days' }]);
    // A question that changes type no longer has those answers.
    state = run(state, { type: 'update', linkId: id, patch: { type: 'short_text' } });
    expect(choice()).not.toHaveProperty('options');
    expect(condition()?.values).toEqual([]);
  });

  it('offers conditions on earlier answerable fields only, with their answers', () => {
    const definition = form([field('h', 'display'), field('smoker', 'yes_no'), field('sig', 'signature'), field('pick', 'single_choice', { options: [{ code: 'x', label: 'X' }] }), field('later')]);
    expect(conditionSources(definition, 'later').map((f) => f.linkId)).toEqual(['smoker', 'pick']);
    expect(conditionSources(definition, 'smoker')).toEqual([]);
    expect(conditionValues(definition.fields[1]!)).toEqual([{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]);
    expect(conditionValues(definition.fields[3]!)).toEqual([{ value: 'x', label: 'X' }]);
    expect(conditionValues(definition.fields[4]!)).toBeNull();
  });
});
