// The form as the builder, the filler and the PDF see it. It is stored as a FHIR R4 Questionnaire
// (./fhir.ts converts both ways); this shape names the product's field types instead of FHIR's
// item types and extensions. Universal: the portal's filling page uses it in the browser.

export const formKinds = ['intake', 'consent', 'questionnaire', 'home_activity'] as const;
export type FormKind = (typeof formKinds)[number];

/** How staff pages name each kind of form. */
export const FORM_KIND_LABELS: Record<FormKind, string> = {
  intake: 'Intake',
  consent: 'Consent',
  questionnaire: 'Questionnaire',
  home_activity: 'Home activity',
};

export const fieldTypes = [
  'short_text',
  'long_text',
  'number',
  'date',
  'single_choice',
  'multiple_choice',
  'yes_no',
  'email',
  'phone',
  'file',
  'display',
  'section',
  'signature',
] as const;
export type FieldType = (typeof fieldTypes)[number];

/** Fields that take no answer of their own. */
export const structuralTypes: readonly FieldType[] = ['display', 'section'];
export const choiceTypes: readonly FieldType[] = ['single_choice', 'multiple_choice'];

/** Patient record fields an answer can propose a change to (reviewed by staff, never applied silently). */
export const recordFields = [
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'date_of_birth',
] as const;
export type RecordField = (typeof recordFields)[number];

/** Which field types may feed which record fields (a date of birth comes from a date field…). */
export const recordFieldTypes: Record<RecordField, readonly FieldType[]> = {
  email: ['email', 'short_text'],
  phone: ['phone', 'short_text'],
  address_line1: ['short_text'],
  address_line2: ['short_text'],
  city: ['short_text'],
  region: ['short_text'],
  postal_code: ['short_text'],
  country: ['short_text'],
  date_of_birth: ['date'],
};

export interface ChoiceOption {
  code: string;
  label: string;
  /** Points this option adds to the form's score (PHQ-9 and the like). */
  score?: number;
}

export const conditionOperators = ['equals', 'one_of', 'answered'] as const;
export type ConditionOperator = (typeof conditionOperators)[number];

/**
 * Show the field only when an earlier answer matches. `values` holds one value for `equals`,
 * several for `one_of` (any of them), none for `answered`. Values are written as text: an option
 * code, "true"/"false" for yes/no, a number or a date.
 */
export interface ShowWhen {
  question: string;
  operator: ConditionOperator;
  values: string[];
}

export interface FormField {
  /** Stable id of the field within the form (FHIR linkId): answers are keyed by it. */
  linkId: string;
  type: FieldType;
  /** The question, the text shown (display), the section title, or the consent statement (signature). */
  label: string;
  help?: string;
  required: boolean;
  /** display only: shown as a heading rather than a paragraph. */
  heading?: boolean;
  options?: ChoiceOption[];
  /** number only. */
  min?: number;
  max?: number;
  integer?: boolean;
  recordField?: RecordField;
  showWhen?: ShowWhen;
  /** section only. */
  fields?: FormField[];
}

export interface ScoreBand {
  min: number;
  max: number;
  label: string;
}

export interface FormDefinition {
  title: string;
  kind: FormKind;
  description?: string;
  fields: FormField[];
  /** The sum of the chosen options' scores, read against bands (PHQ-9: 0–4 minimal … 20–27 severe). */
  scoring?: { bands: ScoreBand[] };
  /** home_activity only: how often, in the clinic's words ("twice a day for 2 weeks"). */
  frequency?: string;
  /** home_activity only: for how many days the patient can mark the activity done. */
  days?: number;
}

/** Every field in document order, sections before their fields. */
export function flattenFields(fields: readonly FormField[]): FormField[] {
  const out: FormField[] = [];
  const walk = (list: readonly FormField[]) => {
    for (const field of list) {
      out.push(field);
      if (field.fields) walk(field.fields);
    }
  };
  walk(fields);
  return out;
}

/** Fields that hold an answer (not display text, not sections). */
export function answerFields(definition: FormDefinition): FormField[] {
  return flattenFields(definition.fields).filter((field) => !structuralTypes.includes(field.type));
}
