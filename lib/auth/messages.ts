import { minutesFromSeconds } from './lockout';

/**
 * What a person sees when a sign-in step fails: precise about what they can fix, and never
 * whether an account exists.
 */
export function signInErrorMessage(
  error: string,
  options: { identifierLabel?: string; retryAfterSeconds?: number; attemptsLeft?: number } = {},
): string {
  const minutes = minutesFromSeconds(options.retryAfterSeconds ?? 60);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (error) {
    case 'invalid-credentials':
      return `The ${(options.identifierLabel ?? 'email').toLowerCase() === 'email' ? 'email' : options.identifierLabel} or password is not correct. Check both and try again.`;
    case 'locked':
      return `Too many failed sign-ins. For your security, signing in is paused for ${plural(minutes, 'minute')}.`;
    case 'too-many-codes':
      return `Too many codes were sent. You can ask for a new one in ${plural(minutes, 'minute')}.`;
    case 'resend-too-soon':
      return `You can ask for a new code in ${plural(options.retryAfterSeconds ?? 60, 'second')}.`;
    case 'sms-failed':
      return 'We couldn’t send the code — try again.';
    case 'malformed':
      return 'Enter the 6 digits from the SMS.';
    case 'wrong-code':
      return `That code is not correct. ${plural(options.attemptsLeft ?? 0, 'try')} left.`.replace('trys', 'tries');
    case 'expired':
      return 'The code has expired — send a new one.';
    case 'too-many-attempts':
      return 'Too many wrong codes. Send a new code and try again.';
    case 'no-code':
      return 'Send a code first.';
    case 'no-attempt':
      return 'Your sign-in attempt has expired. Please start again.';
    case 'portal-disabled':
      return 'The patient portal is not available for this clinic. Please contact the clinic.';
    case 'no-phone':
      return 'We don’t have a mobile number for you, and sign-in needs one. Please contact the clinic to add it.';
    default:
      return 'Something went wrong. Please try again.';
  }
}

export const SESSION_END_MESSAGES: Record<string, string> = {
  idle: 'You were signed out after a period of inactivity, to protect your information. Please sign in again.',
  expired: 'Your session has ended. Please sign in again.',
  'signed-out': 'You have signed out.',
  activated: 'Your account is ready. Sign in with your new password.',
  'invite-accepted': 'Your password is set. Sign in to finish setting up your account.',
  'password-reset': 'Your password has been changed. Sign in with your new password.',
  linked: 'This patient was added to your existing account; sign in with your usual password.',
};
