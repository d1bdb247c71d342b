import 'server-only';
import type { Translate } from '@/lib/i18n/core';
import type { data } from '@/lib/i18n/messages/data';

type DataMessages = (typeof data)['en'];

const PROBLEM_KEYS: Record<string, keyof DataMessages> = {
  'no-attempt': 'errNoAttempt', malformed: 'errCodeFormat', expired: 'errCodeExpired', 'no-code': 'errCodeExpired',
  'too-many-attempts': 'errTooManyAttempts', stale: 'errStale', 'email-taken': 'errEmailTaken', 'sms-failed': 'errSmsFailed',
  'phone-required': 'errPhoneRequired', 'email-required': 'errEmailRequired', 'national-id-taken': 'errGeneric',
};

/**
 * A refusal of the "My data" page (lib/patients/personal-data.ts results: saving, or a step of
 * the phone/email change) in the patient's words.
 */
export function personalDataProblem(t: Translate<DataMessages>, result: { error: string; attemptsLeft?: number; retryAfterSeconds?: number }): string {
  if (result.error === 'wrong-code') return t('errWrongCode', { count: result.attemptsLeft ?? 0 });
  if (result.error === 'too-many-codes') return t('errTooManyCodes', { minutes: Math.max(1, Math.ceil((result.retryAfterSeconds ?? 60) / 60)) });
  if (result.error === 'resend-too-soon') return t('errResendTooSoon', { seconds: result.retryAfterSeconds ?? 60 });
  return t(PROBLEM_KEYS[result.error] ?? 'errGeneric');
}

/** The field a save refusal belongs to, if any: the form shows it there. */
export function personalDataProblemField(error: string): 'phone' | 'email' | null {
  if (error === 'phone-required') return 'phone';
  return error === 'email-required' || error === 'email-taken' ? 'email' : null;
}
