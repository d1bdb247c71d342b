import 'server-only';
import { DEFAULT_LOCALE, translator, type Locale } from '@/lib/i18n/core';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { minutesFromSeconds } from './lockout';

export interface SignInMessageOptions {
  /** "Email" (or nothing) for email clinics, else the clinic's national-ID name ("SSN", "TAJ"). */
  identifierLabel?: string;
  retryAfterSeconds?: number;
  attemptsLeft?: number;
}

/** The identifier field's label: "Email" / "Correo electrónico", or the clinic's national-ID name. */
export function identifierFieldLabel(mode: 'email' | 'national_id', nationalIdLabel: string, locale: Locale = DEFAULT_LOCALE): string {
  return mode === 'email' ? portalSignIn[locale].identifierEmail : nationalIdLabel;
}

/** How the identifier reads inside a sentence: "email" in the reader's language, or "SSN". */
export function identifierInSentence(identifierLabel: string | undefined, locale: Locale = DEFAULT_LOCALE): string {
  return !identifierLabel || identifierLabel.toLowerCase() === 'email'
    ? portalSignIn[locale].identifierEmailInSentence
    : identifierLabel;
}

/**
 * What a person sees when a sign-in step fails: precise about what they can fix, and never
 * whether an account exists. Staff and operator sign-in use the English default; the portal
 * passes the reader's language.
 */
export function signInErrorMessage(error: string, options: SignInMessageOptions = {}, locale: Locale = DEFAULT_LOCALE): string {
  const t = translator(portalSignIn, locale);
  const minutes = minutesFromSeconds(options.retryAfterSeconds ?? 60);
  const seconds = options.retryAfterSeconds ?? 60;
  const tries = options.attemptsLeft ?? 0;
  switch (error) {
    case 'invalid-credentials':
      return t('errInvalidCredentials', { identifier: identifierInSentence(options.identifierLabel, locale) });
    case 'locked':
      return t(minutes === 1 ? 'errLockedOne' : 'errLockedOther', { n: minutes });
    case 'too-many-codes':
      return t(minutes === 1 ? 'errTooManyCodesOne' : 'errTooManyCodesOther', { n: minutes });
    case 'resend-too-soon':
      return t(seconds === 1 ? 'errResendTooSoonOne' : 'errResendTooSoonOther', { n: seconds });
    case 'sms-failed':
      return t('errSmsFailed');
    case 'malformed':
      return t('errMalformed');
    case 'wrong-code':
      return t(tries === 1 ? 'errWrongCodeOne' : 'errWrongCodeOther', { n: tries });
    case 'expired':
      return t('errExpired');
    case 'too-many-attempts':
      return t('errTooManyAttempts');
    case 'no-code':
      return t('errNoCode');
    case 'no-attempt':
      return t('errNoAttempt');
    case 'portal-disabled':
      return t('portalUnavailable');
    case 'no-phone':
      return t('errNoPhone');
    case 'awaiting-approval':
      return t('errAwaitingApproval');
    case 'registration-rejected':
      return t('errRegistrationRejected');
    default:
      return t('errUnknown');
  }
}

/** Staff sign-in's second step (English): an authenticator code, or the SMS fallback's code. */
export function staffSecondFactorMessage(result: { error: string; attemptsLeft?: number; retryAfterSeconds?: number }): string {
  if (result.error === 'wrong-totp') return 'That code is not correct. Check the time on your phone and use the newest code.';
  if (result.error === 'malformed') return 'Enter the 6-digit code.';
  return signInErrorMessage(result.error, { attemptsLeft: result.attemptsLeft, retryAfterSeconds: result.retryAfterSeconds });
}

const SESSION_END_KEYS = {
  idle: 'sessionIdle',
  expired: 'sessionExpired',
  'signed-out': 'sessionSignedOut',
  activated: 'sessionActivated',
  'invite-accepted': 'sessionInviteAccepted',
  'password-reset': 'sessionPasswordReset',
  linked: 'sessionLinked',
  'account-deleted': 'sessionAccountDeleted',
} as const satisfies Record<string, keyof typeof portalSignIn.en>;

/** The notice for `?reason=` on a sign-in page, or undefined for an unknown reason. */
export function sessionEndMessage(reason: string | undefined, locale: Locale = DEFAULT_LOCALE): string | undefined {
  if (!reason || !Object.hasOwn(SESSION_END_KEYS, reason)) return undefined;
  return portalSignIn[locale][SESSION_END_KEYS[reason as keyof typeof SESSION_END_KEYS]];
}

/** English notices, for staff sign-in (staff pages are English only). */
export const SESSION_END_MESSAGES: Record<string, string> = Object.assign(
  // No prototype: `?reason=toString` must find nothing.
  Object.create(null) as Record<string, string>,
  Object.fromEntries(Object.keys(SESSION_END_KEYS).map((reason) => [reason, sessionEndMessage(reason)!])),
);
