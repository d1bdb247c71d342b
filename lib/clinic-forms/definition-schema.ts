import { z } from '@/lib/validation/zod';
import { CONTROL_CHARACTERS } from '@/lib/validation/text';
import {
  choiceTypes,
  conditionOperators,
  fieldTypes,
  flattenFields,
  formKinds,
  recordFields,
  recordFieldTypes,
  structuralTypes,
  type FormDefinition,
  type FormField,
} from './definition';

// What a form definition must be before it is saved, published or imported: the builder sends
// the whole definition as JSON, so it is checked whole, with the path of the field at fault.

export const MAX_FIELDS = 300;
/** Sections in sections: the builder, the filler and the PDF draw them by recursion. */
export const MAX_SECTION_DEPTH = 10;
const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/;

// Only a crafted or out-of-date request sends a value of the wrong kind: the builder always sends
// the definition's own shape. Said in words all the same, never in zod's developer English.
const UNREADABLE = 'Part of this form could not be read. Reload the builder and try again.';
const bad = { error: UNREADABLE };

const plain = (max: number) =>
  z
    .string(bad)
    .trim()
    .max(max, `Keep this under ${max} characters.`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'Remove the invisible control characters.');

const optionSchema = z.object({
  code: z.string(bad).trim().min(1, 'Give every option a code.').max(64, 'Keep option codes to 64 characters.').regex(/^[A-Za-z0-9_.-]+$/, 'Option codes use letters, digits, dot, dash and underscore.'),
  label: plain(300).pipe(z.string().min(1, 'Give every option a label.')),
  score: z.number(bad).int(UNREADABLE).min(-100, 'An option’s score is between -100 and 100.').max(100, 'An option’s score is between -100 and 100.').optional(),
}, bad);

const fieldSchema: z.ZodType<FormField> = z.lazy(() =>
  z.object({
    linkId: z.string(bad).regex(LINK_ID, 'Field ids use letters, digits, dash and underscore (at most 64).'),
    type: z.enum(fieldTypes, bad),
    label: plain(2000),
    help: plain(500).optional(),
    required: z.boolean(bad),
    heading: z.boolean(bad).optional(),
    options: z.array(optionSchema, bad).max(50, 'A question can have at most 50 options.').optional(),
    min: z.number(bad).finite(UNREADABLE).optional(),
    max: z.number(bad).finite(UNREADABLE).optional(),
    integer: z.boolean(bad).optional(),
    recordField: z.enum(recordFields, bad).optional(),
    showWhen: z
      .object({
        question: z.string(bad).regex(LINK_ID, UNREADABLE),
        operator: z.enum(conditionOperators, { error: 'A condition is “equals”, “one of” or “is answered”.' }),
        values: z.array(z.string(bad).max(200, 'Keep a condition’s answers under 200 characters.'), bad).max(50, 'A condition can name at most 50 answers.'),
      }, bad)
      .optional(),
    fields: z.array(fieldSchema, bad).optional(),
  }, bad),
);

const definitionShape = z
  .object({
    title: plain(200).pipe(z.string().min(1, 'Give the form a title.')),
    kind: z.enum(formKinds, { error: 'Choose what kind of form this is.' }),
    description: plain(2000).optional(),
    fields: z.array(fieldSchema, bad),
    scoring: z
      .object({
        bands: z
          .array(z.object({ min: z.number(bad).int(UNREADABLE), max: z.number(bad).int(UNREADABLE), label: plain(100).pipe(z.string().min(1, 'Give every score band a label.')) }, bad), bad)
          .max(10, 'A form can have at most 10 score bands.'),
      }, bad)
      .optional(),
    frequency: plain(200).optional(),
    days: z.number({ error: 'Enter the number of days as a whole number from 1 to 365.' }).int('Enter the number of days as a whole number from 1 to 365.')
      .min(1, 'Enter the number of days as a whole number from 1 to 365.').max(365, 'Enter the number of days as a whole number from 1 to 365.').optional(),
  }, bad)
  .superRefine((definition, ctx) => {
    for (const problem of definitionProblems(definition as FormDefinition)) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * The number of fields and the deepest nesting of sections, counted without recursion and
 * stopping as soon as either is over its limit: zod walks the tree recursively (a few thousand
 * sections in sections overflow the stack, a 500), and a draft of more fields than the import's
 * limit could be saved but not opened again. Anything that is not a list of objects counts as
 * nothing here; the shape says what is wrong with it.
 */
export function definitionSize(input: unknown): { fields: number; depth: number } {
  let fields = 0;
  let depth = 0;
  const lists: { list: unknown; depth: number }[] = [{ list: (input as { fields?: unknown } | null)?.fields, depth: 0 }];
  while (lists.length) {
    const { list, depth: at } = lists.pop()!;
    if (!Array.isArray(list)) continue;
    depth = Math.max(depth, at);
    fields += list.length;
    if (fields > MAX_FIELDS || depth > MAX_SECTION_DEPTH) break;
    for (const item of list) if (item && typeof item === 'object' && 'fields' in item) lists.push({ list: (item as { fields?: unknown }).fields, depth: at + 1 });
  }
  return { fields, depth };
}

/**
 * A whole definition as the builder saves it. Too many fields or sections too deep are refused
 * before anything else (not a rule a draft may break for a while: a `too_big` issue, which the
 * save refuses, where the rules of definitionProblems are `custom` issues a draft may carry).
 */
export const formDefinitionSchema = z
  .unknown()
  .superRefine((input, ctx) => {
    if (typeof input !== 'object' || input === null) return;
    const size = definitionSize(input);
    if (size.fields > MAX_FIELDS) ctx.addIssue({ code: 'too_big', origin: 'array', maximum: MAX_FIELDS, input, path: ['fields'], message: `A form can have at most ${MAX_FIELDS} fields.` });
    else if (size.depth > MAX_SECTION_DEPTH) ctx.addIssue({ code: 'too_big', origin: 'array', maximum: MAX_SECTION_DEPTH, input, path: ['fields'], message: `Sections can be nested at most ${MAX_SECTION_DEPTH} deep.` });
  })
  .pipe(definitionShape);

/**
 * The rules a definition must follow beyond its shape, as sentences for the builder. Empty when
 * the form can be published.
 */
export function definitionProblems(definition: FormDefinition): string[] {
  const problems: string[] = [];
  const all = flattenFields(definition.fields);
  if (all.length > MAX_FIELDS) problems.push(`A form can have at most ${MAX_FIELDS} fields.`);
  const seen = new Map<string, FormField>();
  for (const field of all) {
    const name = field.label.trim() || field.linkId;
    if (seen.has(field.linkId)) problems.push(`Two fields share the id “${field.linkId}”.`);
    if (!field.label.trim() && field.type !== 'section') problems.push(`A ${field.type.replace('_', ' ')} field has no label.`);
    if (choiceTypes.includes(field.type) && !(field.options?.length)) problems.push(`“${name}” needs at least one option.`);
    if (field.options && new Set(field.options.map((o) => o.code)).size !== field.options.length) problems.push(`“${name}” has two options with the same code.`);
    if (field.type === 'number' && field.min !== undefined && field.max !== undefined && field.min > field.max) problems.push(`“${name}”: the minimum is above the maximum.`);
    if (field.type === 'section' && !(field.fields?.length)) problems.push(`The section “${name}” is empty.`);
    if (field.fields && field.type !== 'section') problems.push(`“${name}” is not a section and cannot hold fields.`);
    if (field.recordField && !recordFieldTypes[field.recordField].includes(field.type)) problems.push(`“${name}” cannot feed the patient’s ${field.recordField.replaceAll('_', ' ')}.`);
    if (field.required && structuralTypes.includes(field.type)) problems.push(`“${name}” cannot be required: it takes no answer.`);
    if (field.showWhen) {
      const target = seen.get(field.showWhen.question);
      if (!target) problems.push(`“${name}” depends on a question that does not come before it.`);
      else if (structuralTypes.includes(target.type) || target.type === 'signature') problems.push(`“${name}” depends on “${target.label}”, which takes no answer.`);
      else if (field.showWhen.operator !== 'answered' && field.showWhen.values.length === 0) problems.push(`“${name}”: say which answer shows it.`);
    }
    seen.set(field.linkId, field);
  }
  const recordTargets = all.flatMap((f) => (f.recordField ? [f.recordField] : []));
  if (new Set(recordTargets).size !== recordTargets.length) problems.push('Two fields feed the same record field.');
  if (definition.kind === 'home_activity' && all.some((f) => !structuralTypes.includes(f.type))) problems.push('A home activity holds text and headings only.');
  return problems;
}
