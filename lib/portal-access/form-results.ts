import 'server-only';
import { identifierInSentence } from '@/lib/auth/messages';
import { DEFAULT_LOCALE, translator, type Locale } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { portalAccessMessage, translateFieldErrors, translateFieldProblem } from './messages';
import type { FieldProblems } from './results';

/**
 * How the portal's signed-out flows word lib results in the reader's language, and the state
 * after "Resend code" (the step machine itself is code-flow.ts). Pure: no request, no database.
 */

/** Field problems as the forms show them, in the reader's language: one per field, the password's as a list. */
export function problemsState(
  problems: FieldProblems,
  locale: Locale = DEFAULT_LOCALE,
): { fieldErrors: Record<string, string>; passwordProblems?: string[] } {
  const { password, ...rest } = problems;
  const fieldErrors: Record<string, string> = {};
  for (const [field, message] of Object.entries(rest)) if (message) fieldErrors[field] = translateFieldProblem(message, locale);
  return { fieldErrors, ...(password?.length ? { passwordProblems: password.map((problem) => translateFieldProblem(problem, locale)) } : {}) };
}

/** The message for a failed result, with its numbers (minutes to wait, tries left). */
export function resultMessage(
  result: { error: string; retryAfterSeconds?: number; attemptsLeft?: number },
  identifierLabel?: string,
  locale: Locale = DEFAULT_LOCALE,
): string {
  return portalAccessMessage(
    result.error,
    { identifierLabel, retryAfterSeconds: result.retryAfterSeconds, attemptsLeft: result.attemptsLeft },
    locale,
  );
}

/**
 * The texts one portal-access request answers with, in the reader's language: lib results,
 * field problems and the few sentences the actions write themselves.
 */
export function accessTexts(locale: Locale, identifierLabel?: string) {
  const t = translator(portalAccess, locale);
  return {
    locale,
    t,
    result: (result: { error: string; retryAfterSeconds?: number; attemptsLeft?: number }) => resultMessage(result, identifierLabel, locale),
    problems: (problems: FieldProblems) => problemsState(problems, locale),
    fields: (fieldErrors: Record<string, string>) => translateFieldErrors(fieldErrors, locale),
    /** "Enter your email." / "Escriba su SSN." */
    enterIdentifier: () => translator(portalSignIn, locale)('enterIdentifier', { identifier: identifierInSentence(identifierLabel, locale) }),
    codeMissing: () => t('problemCode'),
  };
}
export type AccessTexts = ReturnType<typeof accessTexts>;

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
  locale: Locale = DEFAULT_LOCALE,
): S {
  if (!result.ok) {
    if (result.error === 'no-attempt') return { step: restartStep, message: resultMessage(result, undefined, locale) } as S;
    return { ...prev, step: 'code', notice: undefined, message: resultMessage(result, undefined, locale) };
  }
  return { ...prev, step: 'code', message: undefined, fieldErrors: undefined, resendAt: result.resendAvailableAt.getTime(), notice };
}
