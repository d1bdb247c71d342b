import 'server-only';
import {
  choiceTypes,
  recordFields,
  type ChoiceOption,
  type FieldType,
  type FormDefinition,
  type FormField,
  type FormKind,
  type RecordField,
  type ShowWhen,
} from './definition';

// FHIR R4 Questionnaire, the subset Carebridge writes and reads: items with linkId, type, text,
// required, repeats, enableWhen/enableBehavior, answerOption (valueCoding) and nested items.
// What FHIR core has no element for is carried in extensions: the standard minValue, maxValue
// and ordinalValue, and Carebridge's own for the field kind FHIR cannot tell apart (email, phone,
// signature, heading), help text, scoring bands and home-activity frequency. Record fields use
// the item's `definition` (FHIR's definition-based extraction), pointing into Patient.

export const EXTENSION_BASE = 'https://carebridge.health/fhir/StructureDefinition';
const EXT = {
  fieldKind: `${EXTENSION_BASE}/field-kind`,
  help: `${EXTENSION_BASE}/help-text`,
  formKind: `${EXTENSION_BASE}/form-kind`,
  scoreBand: `${EXTENSION_BASE}/score-band`,
  frequency: `${EXTENSION_BASE}/activity-frequency`,
  days: `${EXTENSION_BASE}/activity-days`,
  minValue: 'http://hl7.org/fhir/StructureDefinition/minValue',
  maxValue: 'http://hl7.org/fhir/StructureDefinition/maxValue',
  ordinalValue: 'http://hl7.org/fhir/StructureDefinition/ordinalValue',
} as const;
const OPTION_SYSTEM = `${EXTENSION_BASE}/option`;
const PATIENT = 'http://hl7.org/fhir/StructureDefinition/Patient#';

const RECORD_FIELD_PATHS: Record<RecordField, string> = {
  email: 'Patient.telecom.where(system=email).value',
  phone: 'Patient.telecom.where(system=phone).value',
  address_line1: 'Patient.address.line[0]',
  address_line2: 'Patient.address.line[1]',
  city: 'Patient.address.city',
  region: 'Patient.address.state',
  postal_code: 'Patient.address.postalCode',
  country: 'Patient.address.country',
  date_of_birth: 'Patient.birthDate',
};

export interface Extension {
  url: string;
  valueString?: string;
  valueCode?: string;
  valueInteger?: number;
  valueDecimal?: number;
  extension?: Extension[];
}

export interface Coding {
  system?: string;
  code: string;
  display?: string;
}

export type EnableWhenOperator = 'exists' | '=' | '!=' | '>' | '<' | '>=' | '<=';

export interface EnableWhen {
  question: string;
  operator: EnableWhenOperator;
  answerBoolean?: boolean;
  answerDecimal?: number;
  answerInteger?: number;
  answerDate?: string;
  answerString?: string;
  answerCoding?: Coding;
}

export type QuestionnaireItemType =
  | 'group'
  | 'display'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'date'
  | 'dateTime'
  | 'string'
  | 'text'
  | 'choice'
  | 'open-choice'
  | 'attachment';

export interface QuestionnaireItem {
  linkId: string;
  type: QuestionnaireItemType;
  text?: string;
  required?: boolean;
  repeats?: boolean;
  definition?: string;
  enableWhen?: EnableWhen[];
  enableBehavior?: 'all' | 'any';
  answerOption?: { valueCoding?: Coding; valueString?: string; extension?: Extension[] }[];
  extension?: Extension[];
  item?: QuestionnaireItem[];
}

export interface Questionnaire {
  resourceType: 'Questionnaire';
  status: 'draft' | 'active' | 'retired';
  title: string;
  version?: string;
  description?: string;
  extension?: Extension[];
  item: QuestionnaireItem[];
}

/** Raised by an import that is not a Questionnaire this product can fill. */
export class QuestionnaireImportError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'QuestionnaireImportError';
  }
}

// ----- export -----------------------------------------------------------------------------

export function toQuestionnaire(definition: FormDefinition, options: { status?: Questionnaire['status']; version?: number } = {}): Questionnaire {
  const extension: Extension[] = [{ url: EXT.formKind, valueCode: definition.kind }];
  for (const band of definition.scoring?.bands ?? []) {
    extension.push({
      url: EXT.scoreBand,
      extension: [
        { url: 'min', valueInteger: band.min },
        { url: 'max', valueInteger: band.max },
        { url: 'label', valueString: band.label },
      ],
    });
  }
  if (definition.frequency) extension.push({ url: EXT.frequency, valueString: definition.frequency });
  if (definition.days) extension.push({ url: EXT.days, valueInteger: definition.days });
  return {
    resourceType: 'Questionnaire',
    status: options.status ?? 'draft',
    title: definition.title,
    ...(options.version ? { version: String(options.version) } : {}),
    ...(definition.description ? { description: definition.description } : {}),
    extension,
    item: definition.fields.map(itemOf),
  };
}

function itemOf(field: FormField): QuestionnaireItem {
  const extension: Extension[] = [];
  const kind = KIND_EXTENSION[field.type] ?? (field.type === 'display' && field.heading ? 'heading' : undefined);
  if (kind) extension.push({ url: EXT.fieldKind, valueCode: kind });
  if (field.help) extension.push({ url: EXT.help, valueString: field.help });
  if (field.type === 'number') {
    const value = (n: number) => (field.integer ? { valueInteger: n } : { valueDecimal: n });
    if (field.min !== undefined) extension.push({ url: EXT.minValue, ...value(field.min) });
    if (field.max !== undefined) extension.push({ url: EXT.maxValue, ...value(field.max) });
  }
  const item: QuestionnaireItem = { linkId: field.linkId, type: ITEM_TYPE[field.type](field), text: field.label };
  if (field.required && field.type !== 'display' && field.type !== 'section') item.required = true;
  if (field.type === 'multiple_choice') item.repeats = true;
  if (field.recordField) item.definition = PATIENT + RECORD_FIELD_PATHS[field.recordField];
  if (field.options && choiceTypes.includes(field.type)) {
    item.answerOption = field.options.map((option) => ({
      valueCoding: { system: OPTION_SYSTEM, code: option.code, display: option.label },
      ...(option.score !== undefined ? { extension: [{ url: EXT.ordinalValue, valueDecimal: option.score }] } : {}),
    }));
  }
  if (field.showWhen) Object.assign(item, enableWhenOf(field.showWhen));
  if (extension.length) item.extension = extension;
  if (field.type === 'section') item.item = (field.fields ?? []).map(itemOf);
  return item;
}

const KIND_EXTENSION: Partial<Record<FieldType, string>> = { email: 'email', phone: 'phone', signature: 'signature' };

const ITEM_TYPE: Record<FieldType, (field: FormField) => QuestionnaireItemType> = {
  short_text: () => 'string',
  long_text: () => 'text',
  number: (field) => (field.integer ? 'integer' : 'decimal'),
  date: () => 'date',
  single_choice: () => 'choice',
  multiple_choice: () => 'choice',
  yes_no: () => 'boolean',
  email: () => 'string',
  phone: () => 'string',
  file: () => 'attachment',
  display: () => 'display',
  section: () => 'group',
  signature: () => 'attachment',
};

function enableWhenOf(condition: ShowWhen): Pick<QuestionnaireItem, 'enableWhen' | 'enableBehavior'> {
  if (condition.operator === 'answered') return { enableWhen: [{ question: condition.question, operator: 'exists', answerBoolean: true }] };
  // The value's FHIR type is not known here; a Coding carries it for every kind of answer, and the
  // import reads it back as text (enable-when.ts compares answers as text).
  const values = condition.operator === 'equals' ? condition.values.slice(0, 1) : condition.values;
  return {
    enableWhen: values.map((value) => ({ question: condition.question, operator: '=' as const, answerCoding: { system: OPTION_SYSTEM, code: value } })),
    ...(values.length > 1 ? { enableBehavior: 'any' as const } : {}),
  };
}

// ----- import -----------------------------------------------------------------------------

const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_ITEMS = 500;

/**
 * Reads a Questionnaire (JSON already parsed) into a form definition. Unknown item types and
 * conditions this product cannot evaluate are refused with a reason, rather than dropped: a
 * form that silently lost a question would collect the wrong answers. linkIds outside
 * [A-Za-z0-9_-] (FHIR allows "1.2") are rewritten, and so are the conditions that name them.
 * `allowEmpty` reads back a stored draft that has no fields yet.
 */
export function fromQuestionnaire(input: unknown, fallbackKind: FormKind = 'questionnaire', { allowEmpty = false } = {}): FormDefinition {
  if (!isObject(input) || input.resourceType !== 'Questionnaire') throw new QuestionnaireImportError('not_a_questionnaire');
  const items = Array.isArray(input.item) ? input.item : [];
  if (items.length === 0 && !allowEmpty) throw new QuestionnaireImportError('no_items');
  const renames = new Map<string, string>();
  const used = new Set<string>();
  let count = 0;
  const readItems = (list: unknown[]): FormField[] =>
    list.map((raw) => {
      if (++count > MAX_ITEMS) throw new QuestionnaireImportError('too_many_items');
      return readItem(raw);
    });
  const readItem = (raw: unknown): FormField => {
    if (!isObject(raw) || typeof raw.linkId !== 'string' || typeof raw.type !== 'string') throw new QuestionnaireImportError('item_without_link_id');
    const linkId = uniqueLinkId(raw.linkId, used);
    if (linkId !== raw.linkId) renames.set(raw.linkId, linkId);
    const extensions = Array.isArray(raw.extension) ? (raw.extension as Extension[]) : [];
    const kind = extensionValue(extensions, EXT.fieldKind)?.valueCode;
    const type = fieldTypeOf(raw.type, kind, raw.repeats === true);
    const field: FormField = { linkId, type, label: typeof raw.text === 'string' ? raw.text : '', required: raw.required === true };
    const help = extensionValue(extensions, EXT.help)?.valueString;
    if (help) field.help = help;
    if (type === 'display' && kind === 'heading') field.heading = true;
    if (type === 'number') {
      field.integer = raw.type === 'integer';
      const min = numberOf(extensionValue(extensions, EXT.minValue));
      const max = numberOf(extensionValue(extensions, EXT.maxValue));
      if (min !== undefined) field.min = min;
      if (max !== undefined) field.max = max;
    }
    if (choiceTypes.includes(type)) field.options = optionsOf(raw.answerOption);
    if (typeof raw.definition === 'string') {
      const recordField = recordFieldOf(raw.definition);
      if (recordField) field.recordField = recordField;
    }
    if (Array.isArray(raw.enableWhen) && raw.enableWhen.length > 0) field.showWhen = showWhenOf(raw.enableWhen, raw.enableBehavior);
    if (type === 'section') field.fields = readItems(Array.isArray(raw.item) ? raw.item : []);
    return field;
  };
  const fields = readItems(items);
  // Conditions may name questions by their old ids.
  const rename = (list: FormField[]) => {
    for (const field of list) {
      if (field.showWhen && renames.has(field.showWhen.question)) field.showWhen.question = renames.get(field.showWhen.question)!;
      if (field.fields) rename(field.fields);
    }
  };
  rename(fields);

  const extensions = Array.isArray(input.extension) ? (input.extension as Extension[]) : [];
  const kindCode = extensionValue(extensions, EXT.formKind)?.valueCode;
  const definition: FormDefinition = {
    title: typeof input.title === 'string' && input.title.trim() ? input.title.trim() : typeof input.name === 'string' ? input.name : 'Imported form',
    kind: isFormKind(kindCode) ? kindCode : fallbackKind,
    fields,
  };
  if (typeof input.description === 'string' && input.description) definition.description = input.description;
  const bands = extensions.filter((e) => e.url === EXT.scoreBand).map(bandOf);
  if (bands.length) definition.scoring = { bands };
  const frequency = extensionValue(extensions, EXT.frequency)?.valueString;
  if (frequency) definition.frequency = frequency;
  const days = extensionValue(extensions, EXT.days)?.valueInteger;
  if (days) definition.days = days;
  return definition;
}

function fieldTypeOf(type: string, kind: string | undefined, repeats: boolean): FieldType {
  switch (type) {
    case 'group':
      return 'section';
    case 'display':
      return 'display';
    case 'boolean':
      return 'yes_no';
    case 'decimal':
    case 'integer':
      return 'number';
    case 'date':
    case 'dateTime':
      return 'date';
    case 'string':
      return kind === 'email' ? 'email' : kind === 'phone' ? 'phone' : 'short_text';
    case 'text':
      return 'long_text';
    case 'choice':
    case 'open-choice':
      return repeats ? 'multiple_choice' : 'single_choice';
    case 'attachment':
      return kind === 'signature' ? 'signature' : 'file';
    default:
      throw new QuestionnaireImportError(`unsupported_item_type:${type}`);
  }
}

function optionsOf(raw: unknown): ChoiceOption[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new QuestionnaireImportError('choice_without_options');
  return raw.map((option, index) => {
    if (!isObject(option)) throw new QuestionnaireImportError('choice_without_options');
    const coding = isObject(option.valueCoding) ? option.valueCoding : undefined;
    const text = typeof option.valueString === 'string' ? option.valueString : undefined;
    const code = typeof coding?.code === 'string' ? coding.code : (text ?? String(index + 1));
    const label = typeof coding?.display === 'string' ? coding.display : (text ?? code);
    const score = numberOf(extensionValue(Array.isArray(option.extension) ? (option.extension as Extension[]) : [], EXT.ordinalValue));
    return score === undefined ? { code, label } : { code, label, score };
  });
}

function showWhenOf(conditions: unknown[], behavior: unknown): ShowWhen {
  const parsed = conditions.map((raw) => {
    if (!isObject(raw) || typeof raw.question !== 'string' || typeof raw.operator !== 'string') throw new QuestionnaireImportError('unsupported_condition');
    return raw as unknown as EnableWhen;
  });
  const question = parsed[0]!.question;
  if (parsed.some((c) => c.question !== question)) throw new QuestionnaireImportError('unsupported_condition');
  if (parsed.length === 1 && parsed[0]!.operator === 'exists') return { question, operator: 'answered', values: [] };
  if (parsed.some((c) => c.operator !== '=')) throw new QuestionnaireImportError('unsupported_condition');
  if (parsed.length > 1 && behavior !== 'any') throw new QuestionnaireImportError('unsupported_condition');
  const values = parsed.map(answerText);
  return values.length === 1 ? { question, operator: 'equals', values } : { question, operator: 'one_of', values };
}

/** An enableWhen answer as the text enable-when.ts compares. */
function answerText(condition: EnableWhen): string {
  if (condition.answerCoding) return condition.answerCoding.code;
  if (condition.answerBoolean !== undefined) return String(condition.answerBoolean);
  if (condition.answerInteger !== undefined) return String(condition.answerInteger);
  if (condition.answerDecimal !== undefined) return String(condition.answerDecimal);
  if (condition.answerDate !== undefined) return condition.answerDate;
  if (condition.answerString !== undefined) return condition.answerString;
  throw new QuestionnaireImportError('unsupported_condition');
}

function recordFieldOf(definition: string): RecordField | undefined {
  if (!definition.startsWith(PATIENT)) return undefined;
  const path = definition.slice(PATIENT.length);
  return recordFields.find((field) => RECORD_FIELD_PATHS[field] === path);
}

function bandOf(extension: Extension) {
  const part = (url: string) => extension.extension?.find((e) => e.url === url);
  const min = part('min')?.valueInteger;
  const max = part('max')?.valueInteger;
  const label = part('label')?.valueString;
  if (min === undefined || max === undefined || !label) throw new QuestionnaireImportError('bad_score_band');
  return { min, max, label };
}

function uniqueLinkId(raw: string, used: Set<string>): string {
  let id = LINK_ID.test(raw) ? raw : raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || 'q';
  if (used.has(id)) {
    let n = 2;
    while (used.has(`${id}_${n}`)) n += 1;
    id = `${id}_${n}`;
  }
  used.add(id);
  return id;
}

function extensionValue(extensions: Extension[], url: string): Extension | undefined {
  return extensions.find((e) => isObject(e) && e.url === url);
}

function numberOf(extension: Extension | undefined): number | undefined {
  const value = extension?.valueInteger ?? extension?.valueDecimal;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isFormKind(value: unknown): value is FormKind {
  return value === 'intake' || value === 'consent' || value === 'questionnaire' || value === 'home_activity';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
