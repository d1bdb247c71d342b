import 'server-only';
import { identifierInSentence, signInErrorMessage, type SignInMessageOptions } from '@/lib/auth/messages';
import { minutesFromSeconds } from '@/lib/auth/lockout';
import { DEFAULT_LOCALE, interpolate, translator, type Locale } from '@/lib/i18n/core';
import { portalAccess, type PortalAccessMessages } from '@/lib/i18n/messages/portal-access';

/**
 * What a person sees when a step of activation, claim, invitation or password reset fails:
 * specific about what they can fix, never whether an account or a patient exists. Code errors
 * (wrong code, resend, too many codes, locked) are portal sign-in's own messages.
 */
export function portalAccessMessage(error: string, options: SignInMessageOptions = {}, locale: Locale = DEFAULT_LOCALE): string {
  const t = translator(portalAccess, locale);
  const minutes = minutesFromSeconds(options.retryAfterSeconds ?? 60);
  const tries = options.attemptsLeft ?? 0;
  switch (error) {
    case 'rate-limited':
      return t(minutes === 1 ? 'errRateLimitedOne' : 'errRateLimitedOther', { n: minutes });
    case 'no-match':
      return t(tries === 1 ? 'errNoMatchOne' : 'errNoMatchOther', { n: tries });
    case 'attempt-locked':
      return t(minutes === 1 ? 'errAttemptLockedOne' : 'errAttemptLockedOther', { n: minutes });
    case 'clinic-busy':
      return t(minutes === 1 ? 'errClinicBusyOne' : 'errClinicBusyOther', { n: minutes });
    case 'code-locked':
      return t('errCodeLocked');
    case 'access-disabled':
      return t('errAccessDisabled');
    case 'no-identifier':
      return t('errNoIdentifier', { identifier: identifierInSentence(options.identifierLabel, locale) });
    case 'activation-expired':
      return t('errActivationExpired');
    case 'not-available':
      return t('errNotAvailable');
    case 'account-exists':
      return t('errAccountExists');
    case 'account-disabled':
      return t('errAccountDisabled');
    case 'identifier-held':
      return t('errIdentifierHeld', { identifier: identifierInSentence(options.identifierLabel, locale) });
    case 'link-invalid':
      return t('errLinkInvalid');
    case 'link-used':
      return t('errLinkUsed');
    case 'link-expired':
      return t('errLinkExpired');
    case 'stale':
      return t('errStale');
    case 'code-sent-generic':
      return t('codeSentGeneric');
    case 'reset-link-sent':
      return t('resetLinkSent');
    default:
      return signInErrorMessage(error, options, locale);
  }
}

type ProblemKey = Extract<keyof PortalAccessMessages, `problem${string}`>;

// English templates as patterns: "Use at least {n} characters." also matches "Use at least 8 characters.".
const PROBLEM_PATTERNS: { key: ProblemKey; pattern: RegExp; names: string[] }[] = (Object.keys(portalAccess.en) as (keyof PortalAccessMessages)[])
  .filter((key): key is ProblemKey => key.startsWith('problem'))
  .map((key) => {
    const template = portalAccess.en[key];
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const source = template
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(.+?)');
    return { key, pattern: new RegExp(`^${source}$`), names };
  });

/**
 * A field problem the lib wrote in English (schemas, password policy) in the reader's language.
 * The lib's wording is the key: a sentence this table does not know stays in English rather
 * than disappearing, and a unit test runs the lib's real messages through it.
 */
export function translateFieldProblem(text: string, locale: Locale = DEFAULT_LOCALE): string {
  if (locale === DEFAULT_LOCALE) return text;
  for (const { key, pattern, names } of PROBLEM_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return interpolate(portalAccess[locale][key], Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])));
  }
  return text;
}

/** Every message of a field-errors map in the reader's language. */
export function translateFieldErrors(fieldErrors: Record<string, string>, locale: Locale = DEFAULT_LOCALE): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, text]) => [field, translateFieldProblem(text, locale)]));
}
