import 'server-only';
import { answerFields, type FormDefinition } from './definition';
import type { Answers } from './enable-when';

export interface FormScore {
  score: number;
  /** The band the score falls in ("Moderate depression"), when the form names bands. */
  band: string | null;
  /** Questions with scored options left unanswered: a partial score is shown as such. */
  unanswered: number;
}

/**
 * The sum of the scores of the options chosen (PHQ-9: each item 0–3, total 0–27), read against
 * the form's bands. Null for a form without scoring.
 */
export function scoreAnswers(definition: FormDefinition, answers: Answers): FormScore | null {
  if (!definition.scoring) return null;
  let score = 0;
  let unanswered = 0;
  for (const field of answerFields(definition)) {
    const options = field.options ?? [];
    if (!options.some((o) => o.score !== undefined)) continue;
    const value = answers[field.linkId];
    const chosen = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    if (chosen.length === 0) unanswered += 1;
    for (const code of chosen) score += options.find((o) => o.code === code)?.score ?? 0;
  }
  const band = definition.scoring.bands.find((b) => score >= b.min && score <= b.max)?.label ?? null;
  return { score, band, unanswered };
}
