import { portalAccessMessage } from './messages';
import type { FieldProblems } from './results';

/** Helpers the portal-access server actions share to turn lib results into form state. */

export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** Field problems as the forms show them: one message per field, the password's as a list. */
export function problemsState(problems: FieldProblems): { fieldErrors: Record<string, string>; passwordProblems?: string[] } {
  const { password, ...rest } = problems;
  const fieldErrors: Record<string, string> = {};
  for (const [field, message] of Object.entries(rest)) if (message) fieldErrors[field] = message;
  return { fieldErrors, ...(password?.length ? { passwordProblems: password } : {}) };
}

/** The message for a failed result, with its numbers (minutes to wait, tries left). */
export function resultMessage(
  result: { error: string; retryAfterSeconds?: number; attemptsLeft?: number },
  identifierLabel?: string,
): string {
  return portalAccessMessage(result.error, {
    identifierLabel,
    retryAfterSeconds: result.retryAfterSeconds,
    attemptsLeft: result.attemptsLeft,
  });
}

/** Errors after which the code step cannot go on: the person starts the flow again. */
export function endsCodeStep(error: string): boolean {
  return error === 'no-attempt' || error === 'locked';
}
