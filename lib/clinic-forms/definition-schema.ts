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
const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/;

const plain = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep this under ${max} characters.`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'Remove the invisible control characters.');

const optionSchema = z.object({
  code: z.string().trim().min(1, 'Give every option a code.').max(64).regex(/^[A-Za-z0-9_.-]+$/, 'Option codes use letters, digits, dot, dash and underscore.'),
  label: plain(300).pipe(z.string().min(1, 'Give every option a label.')),
  score: z.number().int().min(-100).max(100).optional(),
});

const fieldSchema: z.ZodType<FormField> = z.lazy(() =>
  z.object({
    linkId: z.string().regex(LINK_ID, 'Field ids use letters, digits, dash and underscore (at most 64).'),
    type: z.enum(fieldTypes),
    label: plain(2000),
    help: plain(500).optional(),
    required: z.boolean(),
    heading: z.boolean().optional(),
    options: z.array(optionSchema).max(50, 'A question can have at most 50 options.').optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    integer: z.boolean().optional(),
    recordField: z.enum(recordFields).optional(),
    showWhen: z
      .object({
        question: z.string().regex(LINK_ID),
        operator: z.enum(conditionOperators),
        values: z.array(z.string().max(200)).max(50),
      })
      .optional(),
    fields: z.array(fieldSchema).optional(),
  }),
);

export const formDefinitionSchema = z
  .object({
    title: plain(200).pipe(z.string().min(1, 'Give the form a title.')),
    kind: z.enum(formKinds),
    description: plain(2000).optional(),
    fields: z.array(fieldSchema),
    scoring: z
      .object({ bands: z.array(z.object({ min: z.number().int(), max: z.number().int(), label: plain(100).pipe(z.string().min(1)) })).max(10) })
      .optional(),
    frequency: plain(200).optional(),
    days: z.number().int().min(1).max(365).optional(),
  })
  .superRefine((definition, ctx) => {
    for (const problem of definitionProblems(definition as FormDefinition)) ctx.addIssue({ code: 'custom', message: problem });
  });

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
