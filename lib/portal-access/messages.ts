import { signInErrorMessage } from '@/lib/auth/messages';
import { minutesFromSeconds } from '@/lib/auth/lockout';

/**
 * What a person sees when a step of activation, claim, invitation or password reset fails:
 * specific about what they can fix, never whether an account or a patient exists. Code errors
 * (wrong code, resend, too many codes, locked) are portal sign-in's own messages.
 */
export function portalAccessMessage(
  error: string,
  options: { identifierLabel?: string; retryAfterSeconds?: number; attemptsLeft?: number } = {},
): string {
  const minutes = minutesFromSeconds(options.retryAfterSeconds ?? 60);
  const label = options.identifierLabel && options.identifierLabel !== 'Email' ? options.identifierLabel : 'email';
  const tries = (n: number) => `${n} ${n === 1 ? 'try' : 'tries'}`;
  switch (error) {
    case 'rate-limited':
      return `Too many attempts from your network. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
    case 'no-match':
      return `These details don’t match our records. Check the portal ID, both initials and the date of birth. ${tries(options.attemptsLeft ?? 0)} left before this portal ID is locked.`;
    case 'code-locked':
      return 'This portal ID is locked after too many tries. Please contact the clinic to unlock it or to get a new one.';
    case 'access-disabled':
      return 'Portal access is turned off for this patient. Please contact the clinic.';
    case 'no-identifier':
      return `We don’t have your ${label} on file, and signing in needs it. Please contact the clinic to add it.`;
    case 'activation-expired':
      return 'This portal ID is no longer valid. Please contact the clinic for a new one.';
    case 'not-available':
      return 'This clinic sets up portal access for you. Please contact the clinic, or activate your account with the portal ID from your printed instructions.';
    case 'account-exists':
      return 'You already have a portal account. Sign in, or use “Forgot password” if you don’t remember your password.';
    case 'account-disabled':
      return 'This portal account is turned off. Please contact the clinic.';
    case 'link-invalid':
      return 'This link is not valid. Check that you opened the whole link from the email.';
    case 'link-used':
      return 'This link has already been used.';
    case 'link-expired':
      return 'This link has expired.';
    case 'stale':
      return 'Something changed since this page was opened. Please reload the page and try again.';
    case 'code-sent-generic':
      return 'If we have your details, we sent a code to the phone on file. It expires in 10 minutes.';
    case 'reset-link-sent':
      return 'If we have an account with that email, we sent it a link to reset the password. The link expires in 1 hour.';
    default:
      return signInErrorMessage(error, options);
  }
}
