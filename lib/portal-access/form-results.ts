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

/** The part of every portal-access form state that the SMS code step reads and writes. */
interface CodeStepFormState {
  step: string;
  message?: string;
  notice?: string;
  fieldErrors?: Record<string, string>;
  resendAt?: number;
}

/**
 * The form state after "Resend code", the same in every flow: the new countdown and `notice`,
 * the reason a code could not be sent, or back to `restartStep` when the attempt has ended.
 */
export function afterResend<S extends CodeStepFormState>(
  prev: S,
  result: { ok: true; resendAvailableAt: Date } | { ok: false; error: string; retryAfterSeconds?: number },
  restartStep: S['step'],
  notice: string,
): S {
  if (!result.ok) {
    if (result.error === 'no-attempt') return { step: restartStep, message: resultMessage(result) } as S;
    return { ...prev, step: 'code', notice: undefined, message: resultMessage(result) };
  }
  return { ...prev, step: 'code', message: undefined, fieldErrors: undefined, resendAt: result.resendAvailableAt.getTime(), notice };
}
