import 'server-only';
import { answerFields, choiceTypes, type FormDefinition, type FormField } from './definition';
import type { AnswerValue, Answers } from './enable-when';
import type { Coding } from './fhir';

// Answers are stored as FHIR QuestionnaireResponse items (nested like the form's sections) and
// read back into the flat form the filler and the checks use.

export interface ResponseAnswer {
  valueString?: string;
  valueDecimal?: number;
  valueInteger?: number;
  valueBoolean?: boolean;
  valueDate?: string;
  valueCoding?: Coding;
  valueAttachment?: { id: string };
}

export interface ResponseItem {
  linkId: string;
  text?: string;
  answer?: ResponseAnswer[];
  item?: ResponseItem[];
}

export function toResponseItems(definition: FormDefinition, answers: Answers): ResponseItem[] {
  const build = (fields: readonly FormField[]): ResponseItem[] => {
    const items: ResponseItem[] = [];
    for (const field of fields) {
      if (field.type === 'section') {
        const children = build(field.fields ?? []);
        if (children.length) items.push({ linkId: field.linkId, text: field.label, item: children });
        continue;
      }
      const answer = responseAnswers(field, answers[field.linkId]);
      if (answer.length) items.push({ linkId: field.linkId, text: field.label, answer });
    }
    return items;
  };
  return build(definition.fields);
}

function responseAnswers(field: FormField, value: AnswerValue): ResponseAnswer[] {
  if (value === null || value === undefined || value === '') return [];
  const coding = (code: string): ResponseAnswer => ({
    valueCoding: { code, display: field.options?.find((o) => o.code === code)?.label ?? code },
  });
  switch (field.type) {
    case 'single_choice':
      return typeof value === 'string' ? [coding(value)] : [];
    case 'multiple_choice':
      return Array.isArray(value) ? value.map(coding) : [];
    case 'number':
      return typeof value === 'number' ? [field.integer ? { valueInteger: value } : { valueDecimal: value }] : [];
    case 'yes_no':
      return typeof value === 'boolean' ? [{ valueBoolean: value }] : [];
    case 'date':
      return typeof value === 'string' ? [{ valueDate: value }] : [];
    case 'file':
      return typeof value === 'string' ? [{ valueAttachment: { id: value } }] : [];
    case 'display':
    case 'section':
    case 'signature':
      return [];
    default:
      return typeof value === 'string' ? [{ valueString: value }] : [];
  }
}

export function fromResponseItems(definition: FormDefinition, items: readonly ResponseItem[]): Answers {
  const byLinkId = new Map<string, ResponseAnswer[]>();
  const walk = (list: readonly ResponseItem[]) => {
    for (const item of list) {
      if (item.answer) byLinkId.set(item.linkId, item.answer);
      if (item.item) walk(item.item);
    }
  };
  walk(items);
  const answers: Answers = {};
  for (const field of answerFields(definition)) {
    const given = byLinkId.get(field.linkId);
    if (!given?.length) continue;
    if (field.type === 'multiple_choice') {
      answers[field.linkId] = given.flatMap((a) => (a.valueCoding ? [a.valueCoding.code] : []));
      continue;
    }
    const first = given[0]!;
    answers[field.linkId] = choiceTypes.includes(field.type)
      ? (first.valueCoding?.code ?? null)
      : (first.valueString ?? first.valueDecimal ?? first.valueInteger ?? first.valueBoolean ?? first.valueDate ?? first.valueAttachment?.id ?? null);
  }
  return answers;
}

/** A FHIR QuestionnaireResponse for export (the chart's "Download as FHIR"). */
export function toQuestionnaireResponse(input: {
  id: string;
  questionnaire: string;
  status: 'in-progress' | 'completed' | 'amended';
  authored: string | null;
  items: ResponseItem[];
}) {
  return {
    resourceType: 'QuestionnaireResponse' as const,
    id: input.id,
    questionnaire: input.questionnaire,
    status: input.status,
    ...(input.authored ? { authored: input.authored } : {}),
    item: input.items,
  };
}
