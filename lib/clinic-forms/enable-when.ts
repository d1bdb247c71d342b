import { flattenFields, type FormDefinition, type FormField } from './definition';

// Which fields are shown for a set of answers. The same function runs in the browser (fields
// appear and disappear as the patient answers) and on the server (required checks skip hidden
// fields, and answers to hidden fields are dropped on submit), so the two cannot disagree.

/** An answer as the form holds it: text, a number, yes/no, the codes chosen, or nothing. */
export type AnswerValue = string | number | boolean | string[] | null | undefined;
export type Answers = Record<string, AnswerValue>;

export function isAnswered(value: AnswerValue): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'number') return Number.isFinite(value);
  return true;
}

/** An answer as the texts a condition compares with ("true", "3", "2026-01-31", or each code chosen). */
function answerTexts(value: AnswerValue): string[] {
  if (!isAnswered(value)) return [];
  if (Array.isArray(value)) return value;
  return [String(typeof value === 'string' ? value.trim() : value)];
}

/**
 * The linkIds of the fields shown. FHIR's rule holds: a question that is itself hidden counts as
 * unanswered, and a hidden section hides everything inside it. Conditions name earlier fields,
 * so one pass in document order settles every field.
 */
export function visibleFields(definition: FormDefinition, answers: Answers): Set<string> {
  const visible = new Set<string>();
  const walk = (fields: readonly FormField[], parentVisible: boolean) => {
    for (const field of fields) {
      const shown = parentVisible && conditionHolds(field, answers, visible);
      if (shown) visible.add(field.linkId);
      if (field.fields) walk(field.fields, shown);
    }
  };
  walk(definition.fields, true);
  return visible;
}

function conditionHolds(field: FormField, answers: Answers, visible: Set<string>): boolean {
  const condition = field.showWhen;
  if (!condition) return true;
  const value = visible.has(condition.question) ? answers[condition.question] : undefined;
  if (condition.operator === 'answered') return isAnswered(value);
  const given = answerTexts(value);
  return condition.values.some((wanted) => given.includes(wanted));
}

/** Conditions that name a field that is not before this one (the builder refuses them). */
export function misplacedConditions(definition: FormDefinition): string[] {
  const seen = new Set<string>();
  const wrong: string[] = [];
  for (const field of flattenFields(definition.fields)) {
    if (field.showWhen && !seen.has(field.showWhen.question)) wrong.push(field.linkId);
    seen.add(field.linkId);
  }
  return wrong;
}
