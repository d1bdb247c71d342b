import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

/**
 * A staff-side request that cannot be carried out for a reason staff can fix (the EMR shows
 * the message). Patient-side functions return `{ ok: false, error }` instead of throwing.
 */

export type PortalAccessErrorCode = 'no-phone' | 'no-identifier' | 'access-disabled' | 'email-failed' | 'invalid-input';

const STAFF_MESSAGES: Record<PortalAccessErrorCode, string> = {
  'no-phone': 'This patient has no mobile number on file. The portal sends a code by SMS at every sign-in: add a mobile number first.',
  'no-identifier': 'The person has no national ID on file, and this clinic’s portal signs in with it. Add it first.',
  'access-disabled': 'Portal access is turned off for this patient. Turn it on first.',
  'email-failed': 'The invitation email could not be sent. Try again in a moment.',
  'invalid-input': 'Check the details and try again.',
};

export class PortalAccessError extends RuleError {
  constructor(override readonly code: PortalAccessErrorCode, message = STAFF_MESSAGES[code]) {
    super(code, message);
    // As before RuleError: callers and tests read the sentence as the error's message.
    this.message = message;
    this.name = 'PortalAccessError';
  }
}
