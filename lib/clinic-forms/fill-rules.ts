import type { FieldErrors, Resolver } from 'react-hook-form';
import * as z from 'zod/mini';
import { formSchema } from '@/lib/validation/zod-mini';
import { checkAnswers, type AnswerProblem } from './answers';
import type { FormDefinition } from './definition';
import type { Answers } from './enable-when';

// What the filling page and the server share beyond the answer checks: the problem codes a page
// shows (an answer's, a signature's), their catalog keys, and react-hook-form's resolver built
// from checkAnswers — the same function the server runs, so browser and server cannot disagree.
// Universal, but it imports zod/mini through ./answers: the page loads it after it is interactive.

export type SignatureProblem = 'signature_name' | 'signature_role' | 'signature_drawing';
export type FillProblem = AnswerProblem | SignatureProblem | 'signature_needed';

/** The forms catalog's sentence for each problem (lib/i18n/messages/forms.ts). */
export const PROBLEM_MESSAGE_KEYS = {
  required: 'problemRequired',
  too_long: 'problemTooLong',
  control_characters: 'problemControlCharacters',
  number: 'problemNumber',
  integer: 'problemInteger',
  min: 'problemMin',
  max: 'problemMax',
  date: 'problemDate',
  option: 'problemOption',
  email: 'problemEmail',
  phone: 'problemPhone',
  file: 'problemFile',
  signature_needed: 'problemSignatureNeeded',
  signature_name: 'problemSignatureName',
  signature_role: 'problemSignatureRole',
  signature_drawing: 'problemSignatureDrawing',
} as const satisfies Record<FillProblem, string>;

export function isFillProblem(value: unknown): value is FillProblem {
  return typeof value === 'string' && Object.hasOwn(PROBLEM_MESSAGE_KEYS, value);
}

/**
 * react-hook-form's resolver for a form's answers (values keyed by linkId). Errors carry the
 * problem code as both type and message; the page turns codes into sentences. `final` as on
 * submit (required questions must be answered), otherwise as while filling.
 */
export function answersResolver(definition: FormDefinition, options: { final: () => boolean }): Resolver<Answers> {
  return async (values) => {
    const { problems, answers } = checkAnswers(definition, values, { final: options.final() });
    const errors: FieldErrors<Answers> = {};
    for (const [linkId, problem] of Object.entries(problems)) errors[linkId] = { type: problem, message: problem };
    return Object.keys(errors).length ? { values: {}, errors } : { values: answers, errors: {} };
  };
}

/**
 * An autosave as the filling page sends it (JSON): the answers keyed by linkId, the revision it
 * started from. The messages are keys of the forms catalog (the action translates them).
 */
export const saveAnswersSchema = formSchema(z.object({
  assignmentId: z.string('formNotFound').check(z.maxLength(64, 'formNotFound')),
  revision: z.number('staleAnswers').check(z.int('staleAnswers'), z.gte(0, 'staleAnswers'), z.lte(1_000_000_000, 'staleAnswers')),
  answers: z.record(z.string().check(z.maxLength(64, 'answersInvalid')), z.unknown(), 'answersInvalid'),
}, 'answersInvalid'));
