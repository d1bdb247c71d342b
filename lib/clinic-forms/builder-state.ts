import {
  choiceTypes,
  flattenFields,
  structuralTypes,
  type ChoiceOption,
  type FieldType,
  type FormDefinition,
  type FormField,
} from './definition';

// The CRM form builder's state and every change to it, as one pure reducer (unit tested; the
// builder component only dispatches). Fields keep their linkId for life: moving a field moves the
// same object, so answers and conditions that name it stay right (never delete-and-recreate).
// Universal: runs in the browser.

export interface BuilderState {
  definition: FormDefinition;
  /** The field the inspector shows. */
  selected: string | null;
  /** The builder's copy differs from what was last saved. */
  dirty: boolean;
}

/** Where a field sits: inside a section (`parent` its linkId) or at the top (`null`), at `index`. */
export interface Place {
  parent: string | null;
  index: number;
}

export type MetaPatch = Partial<Pick<FormDefinition, 'title' | 'description' | 'frequency' | 'days'>>;
export type FieldPatch = Partial<Omit<FormField, 'linkId' | 'fields' | 'options'>>;

export type BuilderAction =
  | { type: 'load'; definition: FormDefinition }
  | { type: 'saved' }
  | { type: 'select'; linkId: string | null }
  | { type: 'meta'; patch: MetaPatch }
  | { type: 'add'; fieldType: FieldType; parent?: string | null }
  | { type: 'update'; linkId: string; patch: FieldPatch }
  | { type: 'remove'; linkId: string }
  | { type: 'move'; linkId: string; direction: 'up' | 'down' }
  | { type: 'moveTo'; linkId: string; to: Place }
  | { type: 'addOption'; linkId: string }
  | { type: 'updateOption'; linkId: string; index: number; patch: Partial<ChoiceOption> }
  | { type: 'removeOption'; linkId: string; index: number }
  | { type: 'moveOption'; linkId: string; index: number; direction: 'up' | 'down' };

export function initialBuilderState(definition: FormDefinition): BuilderState {
  return { definition, selected: definition.fields[0]?.linkId ?? null, dirty: false };
}

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  short_text: 'Short text',
  long_text: 'Long text',
  number: 'Number',
  date: 'Date',
  single_choice: 'Single choice',
  multiple_choice: 'Multiple choice',
  yes_no: 'Yes / no',
  email: 'Email',
  phone: 'Phone',
  file: 'File upload',
  display: 'Display text',
  section: 'Section',
  signature: 'Signature',
};

export function builderReducer(state: BuilderState, action: BuilderAction): BuilderState {
  switch (action.type) {
    case 'load':
      return initialBuilderState(action.definition);
    case 'saved':
      return { ...state, dirty: false };
    case 'select':
      return { ...state, selected: action.linkId };
    case 'meta':
      return changed(state, { ...state.definition, ...action.patch });
    case 'add': {
      const field = newField(state.definition, action.fieldType);
      const parent = action.parent ?? null;
      if (parent !== null && (field.type === 'section' || findField(state.definition.fields, parent)?.type !== 'section')) return state;
      const fields = parent === null ? [...state.definition.fields, field] : mapFields(state.definition.fields, parent, (s) => ({ ...s, fields: [...(s.fields ?? []), field] }));
      return { ...changed(state, { ...state.definition, fields }), selected: field.linkId };
    }
    case 'update':
      return updateField(state, action.linkId, action.patch);
    case 'remove':
      return removeField(state, action.linkId);
    case 'move': {
      const to = stepPlace(state.definition, action.linkId, action.direction);
      return to ? moveTo(state, action.linkId, to) : state;
    }
    case 'moveTo':
      return moveTo(state, action.linkId, action.to);
    case 'addOption':
      return editOptions(state, action.linkId, (options) => {
        const label = `Option ${options.length + 1}`;
        return [...options, { code: uniqueCode(codeFromLabel(label), options), label }];
      });
    case 'updateOption':
      return updateOption(state, action.linkId, action.index, action.patch);
    case 'removeOption': {
      const field = findField(state.definition.fields, action.linkId);
      const removed = field?.options?.[action.index];
      if (!field || !removed) return state;
      const next = editOptions(state, action.linkId, (options) => options.filter((_, i) => i !== action.index));
      return rewriteConditions(next, action.linkId, (values) => values.filter((v) => v !== removed.code));
    }
    case 'moveOption':
      return editOptions(state, action.linkId, (options) => {
        const to = action.index + (action.direction === 'up' ? -1 : 1);
        if (to < 0 || to >= options.length) return options;
        const copy = [...options];
        [copy[action.index], copy[to]] = [copy[to]!, copy[action.index]!];
        return copy;
      });
  }
}

function changed(state: BuilderState, definition: FormDefinition): BuilderState {
  return { ...state, definition, dirty: true };
}

// ---------------------------------------------------------------------------------------------
// Fields

/** A new field of the type with an id no other field has (`short_text_2`…). */
export function newField(definition: FormDefinition, type: FieldType): FormField {
  const taken = new Set(flattenFields(definition.fields).map((f) => f.linkId));
  let n = 1;
  while (taken.has(`${type}_${n}`)) n += 1;
  const field: FormField = { linkId: `${type}_${n}`, type, label: type === 'section' ? 'New section' : '', required: false };
  if (choiceTypes.includes(type)) field.options = [{ code: 'option_1', label: 'Option 1' }];
  if (type === 'section') field.fields = [];
  return field;
}

export function findField(fields: readonly FormField[], linkId: string): FormField | undefined {
  return flattenFields(fields).find((f) => f.linkId === linkId);
}

/** The field's place: its parent section (or null) and its index among its siblings. */
export function placeOf(fields: readonly FormField[], linkId: string, parent: string | null = null): Place | null {
  for (const [index, field] of fields.entries()) {
    if (field.linkId === linkId) return { parent, index };
    if (field.fields) {
      const inner = placeOf(field.fields, linkId, field.linkId);
      if (inner) return inner;
    }
  }
  return null;
}

function siblingsAt(fields: readonly FormField[], parent: string | null): readonly FormField[] {
  return parent === null ? fields : (findField(fields, parent)?.fields ?? []);
}

function mapFields(fields: readonly FormField[], linkId: string, fn: (field: FormField) => FormField): FormField[] {
  return fields.map((field) => {
    if (field.linkId === linkId) return fn(field);
    return field.fields ? { ...field, fields: mapFields(field.fields, linkId, fn) } : field;
  });
}

function withoutField(fields: readonly FormField[], linkId: string): FormField[] {
  return fields.filter((f) => f.linkId !== linkId).map((f) => (f.fields ? { ...f, fields: withoutField(f.fields, linkId) } : f));
}

function insertAt(fields: readonly FormField[], field: FormField, to: Place): FormField[] {
  if (to.parent === null) return [...fields.slice(0, to.index), field, ...fields.slice(to.index)];
  return mapFields(fields, to.parent, (s) => {
    const inner = s.fields ?? [];
    return { ...s, fields: [...inner.slice(0, to.index), field, ...inner.slice(to.index)] };
  });
}

function updateField(state: BuilderState, linkId: string, patch: FieldPatch): BuilderState {
  const before = findField(state.definition.fields, linkId);
  if (!before) return state;
  const after: FormField = { ...before, ...patch };
  for (const key of Object.keys(patch) as (keyof FieldPatch)[]) if (patch[key] === undefined) delete after[key];
  if (patch.type && patch.type !== before.type) normaliseForType(after);
  let next = changed(state, { ...state.definition, fields: mapFields(state.definition.fields, linkId, () => after) });
  // Another type answers differently: conditions on this field that name answers start again.
  if (patch.type && patch.type !== before.type) next = rewriteConditions(next, linkId, () => []);
  return next;
}

/** Drops the settings the new type does not have, and gives a choice its first option. */
function normaliseForType(field: FormField) {
  const type = field.type;
  if (!choiceTypes.includes(type)) delete field.options;
  else if (!field.options?.length) field.options = [{ code: 'option_1', label: 'Option 1' }];
  if (type !== 'number') {
    delete field.min;
    delete field.max;
    delete field.integer;
  }
  if (type !== 'display') delete field.heading;
  if (structuralTypes.includes(type)) {
    field.required = false;
    delete field.recordField;
  }
  if (type !== 'section') delete field.fields;
  else field.fields ??= [];
}

/**
 * Removes a field (a section with the fields inside it). Conditions that named a removed field
 * are dropped, so no field is left depending on a question that no longer exists.
 */
function removeField(state: BuilderState, linkId: string): BuilderState {
  const target = findField(state.definition.fields, linkId);
  if (!target) return state;
  const gone = new Set(flattenFields([target]).map((f) => f.linkId));
  const place = placeOf(state.definition.fields, linkId)!;
  const fields = dropConditions(withoutField(state.definition.fields, linkId), gone);
  const definition = { ...state.definition, fields };
  const siblings = siblingsAt(fields, place.parent);
  const selected = siblings[Math.min(place.index, siblings.length - 1)]?.linkId ?? place.parent ?? fields[0]?.linkId ?? null;
  return { ...changed(state, definition), selected };
}

function dropConditions(fields: readonly FormField[], gone: ReadonlySet<string>): FormField[] {
  return fields.map((field) => {
    let next = field;
    if (field.showWhen && gone.has(field.showWhen.question)) {
      next = { ...field };
      delete next.showWhen;
    }
    return next.fields ? { ...next, fields: dropConditions(next.fields, gone) } : next;
  });
}

/** Rewrites the `values` of every condition that names `question`. */
function rewriteConditions(state: BuilderState, question: string, fn: (values: string[]) => string[]): BuilderState {
  const walk = (fields: readonly FormField[]): FormField[] =>
    fields.map((field) => {
      let next = field;
      if (field.showWhen?.question === question) next = { ...field, showWhen: { ...field.showWhen, values: fn(field.showWhen.values) } };
      return next.fields ? { ...next, fields: walk(next.fields) } : next;
    });
  return { ...state, definition: { ...state.definition, fields: walk(state.definition.fields) } };
}

// ---------------------------------------------------------------------------------------------
// Moving

/**
 * Where Move up / Move down takes a field: past its neighbour; from the edge of a section out of
 * it (up: just before the section, down: just after it); a field (not a section) that meets a
 * section goes into it (up: at its end, down: at its start). So the keyboard reaches every place
 * drag-and-drop does, one step at a time. Null when the field cannot go further.
 */
export function stepPlace(definition: FormDefinition, linkId: string, direction: 'up' | 'down'): Place | null {
  const place = placeOf(definition.fields, linkId);
  const field = findField(definition.fields, linkId);
  if (!place || !field) return null;
  const siblings = siblingsAt(definition.fields, place.parent);
  const neighbourIndex = place.index + (direction === 'up' ? -1 : 1);
  const neighbour = siblings[neighbourIndex];
  if (!neighbour) {
    if (place.parent === null) return null;
    const parentPlace = placeOf(definition.fields, place.parent)!;
    return { parent: parentPlace.parent, index: parentPlace.index + (direction === 'up' ? 0 : 1) };
  }
  if (neighbour.type === 'section' && field.type !== 'section') {
    return { parent: neighbour.linkId, index: direction === 'up' ? (neighbour.fields?.length ?? 0) : 0 };
  }
  // Indexes are counted after the field is taken out of its list.
  return { parent: place.parent, index: direction === 'up' ? neighbourIndex : place.index + 1 };
}

/**
 * Moves a field to a place (`index` counted once the field is out of its old list). Sections stay
 * at the top level, and a field cannot go inside itself.
 */
function moveTo(state: BuilderState, linkId: string, to: Place): BuilderState {
  const field = findField(state.definition.fields, linkId);
  if (!field) return state;
  if (to.parent !== null) {
    const parent = findField(state.definition.fields, to.parent);
    if (!parent || parent.type !== 'section' || field.type === 'section' || to.parent === linkId) return state;
  }
  const without = withoutField(state.definition.fields, linkId);
  const index = Math.max(0, Math.min(to.index, siblingsAt(without, to.parent).length));
  const from = placeOf(state.definition.fields, linkId)!;
  if (from.parent === to.parent && from.index === index) return state;
  return { ...changed(state, { ...state.definition, fields: insertAt(without, field, { parent: to.parent, index }) }), selected: linkId };
}

/** "Field 3 of 7, in Medical history": where a field now is, for the live region. */
export function describePlace(definition: FormDefinition, linkId: string): string {
  const place = placeOf(definition.fields, linkId);
  if (!place) return '';
  const siblings = siblingsAt(definition.fields, place.parent);
  const where = place.parent === null ? 'at the top level' : `in the section “${findField(definition.fields, place.parent)?.label || 'Untitled section'}”`;
  return `position ${place.index + 1} of ${siblings.length}, ${where}`;
}

// ---------------------------------------------------------------------------------------------
// Options

/** "Every day (or nearly)" → "every_day_or_nearly": a code from the label, as FHIR codes go. */
export function codeFromLabel(label: string): string {
  const code = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48);
  return code || 'option';
}

function uniqueCode(base: string, options: readonly ChoiceOption[], except = -1): string {
  const taken = new Set(options.filter((_, i) => i !== except).map((o) => o.code));
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n += 1;
  return `${base}_${n}`;
}

/** The code was made from the label (perhaps with a number to keep it unique), not chosen. */
function isCodeFromLabel(code: string, label: string): boolean {
  const base = codeFromLabel(label);
  return code === base || (code.startsWith(`${base}_`) && /^\d+$/.test(code.slice(base.length + 1)));
}

function editOptions(state: BuilderState, linkId: string, fn: (options: ChoiceOption[]) => ChoiceOption[]): BuilderState {
  const field = findField(state.definition.fields, linkId);
  if (!field || !choiceTypes.includes(field.type)) return state;
  return changed(state, { ...state.definition, fields: mapFields(state.definition.fields, linkId, (f) => ({ ...f, options: fn(f.options ?? []) })) });
}

/**
 * Changes an option. A label change carries the code along while the code is still the one made
 * from the old label (nobody chose it), and conditions that named the old code follow it.
 */
function updateOption(state: BuilderState, linkId: string, index: number, patch: Partial<ChoiceOption>): BuilderState {
  const field = findField(state.definition.fields, linkId);
  const before = field?.options?.[index];
  if (!field || !before) return state;
  const after: ChoiceOption = { ...before, ...patch };
  if (patch.score === undefined && 'score' in patch) delete after.score;
  if (patch.label !== undefined && patch.code === undefined && isCodeFromLabel(before.code, before.label)) {
    after.code = uniqueCode(codeFromLabel(patch.label), field.options!, index);
  }
  const next = editOptions(state, linkId, (options) => options.map((o, i) => (i === index ? after : o)));
  if (after.code === before.code) return next;
  return rewriteConditions(next, linkId, (values) => values.map((v) => (v === before.code ? after.code : v)));
}

// ---------------------------------------------------------------------------------------------
// What the inspector offers

/** Fields before this one that a condition can name (they take an answer). */
export function conditionSources(definition: FormDefinition, linkId: string): FormField[] {
  const out: FormField[] = [];
  for (const field of flattenFields(definition.fields)) {
    if (field.linkId === linkId) break;
    if (!structuralTypes.includes(field.type) && field.type !== 'signature' && field.type !== 'file') out.push(field);
  }
  return out;
}

/** The answers a condition on `source` can pick from (its options, or yes/no), or null for free text. */
export function conditionValues(source: FormField): { value: string; label: string }[] | null {
  if (choiceTypes.includes(source.type)) return (source.options ?? []).map((o) => ({ value: o.code, label: o.label }));
  if (source.type === 'yes_no') return [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }];
  return null;
}
