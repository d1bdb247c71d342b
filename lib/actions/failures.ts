import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { failures } from '@/lib/i18n/messages/failures';
import { errorSummary, ForbiddenError, isDatabaseUnreachable, NotFoundError, PG, postgresErrorCode, RuleError } from '@/lib/kernel/errors';
import type { ActionState, FieldErrors } from './result';

/** The words for the refusals every action shares; an audience or an action may reword them. */
export interface FailureMessages {
  invalid: string;
  notFound: string;
  forbidden: string;
  /** 23505: a unique value taken between reading and writing. */
  conflict: string;
  /** 23P01: a time range taken between showing and confirming it. */
  taken: string;
  /** 40001/40P01: the database gave up one of two concurrent transactions. */
  busy: string;
  /** The database could not be reached (refused, dropped or timed out): a moment's outage, not the input. */
  unavailable: string;
}

/** The staff's words: the shared refusals' English (a patient reads them in their language). */
export const STAFF_MESSAGES: FailureMessages = failures.en;

/** The first message of each field, as the form shows it next to the field. */
export function fieldErrorsOf(error: z.ZodError, translate: (text: string) => string = (t) => t): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : '_form';
    fieldErrors[field] ??= translate(issue.message);
  }
  return fieldErrors;
}

/**
 * The one mapping from a thrown error to the form's result. Next's redirect/notFound/forbidden
 * pass through; a rule's refusal is shown as written; not-found, forbidden and the Postgres codes
 * the product expects get the shared words; anything else is logged by name and code only (no
 * message: a failed query quotes its parameters) and rethrown, so Next shows its error page and
 * no stack trace reaches the person.
 */
export function failureOf(error: unknown, messages: FailureMessages, where: string): ActionState & Record<string, unknown> {
  unstable_rethrow(error);
  if (error instanceof RuleError) {
    return { ...error.extra, ok: false, message: error.userMessage, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) };
  }
  if (error instanceof NotFoundError) return { ok: false, message: messages.notFound };
  if (error instanceof ForbiddenError) return { ok: false, message: messages.forbidden };
  switch (postgresErrorCode(error)) {
    case PG.uniqueViolation: return { ok: false, message: messages.conflict };
    case PG.exclusionViolation: return { ok: false, message: messages.taken };
    case PG.serializationFailure:
    case PG.deadlock: return { ok: false, message: messages.busy };
  }
  if (isDatabaseUnreachable(error)) {
    console.error(`action ${where}: database unreachable (${errorSummary(error)})`);
    return { ok: false, message: messages.unavailable };
  }
  console.error(`action ${where} failed (${errorSummary(error)})`);
  throw error;
}
