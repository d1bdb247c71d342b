import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

export type StaffRuleCode = 'last-admin' | 'self' | 'email-taken' | 'unknown-level' | 'not-invited';

const MESSAGES: Record<StaffRuleCode, string> = {
  'last-admin': 'The clinic must keep at least one active user who can manage users.',
  self: 'You can’t deactivate your own account.',
  'email-taken': 'Someone with this email already has an account in this clinic.',
  'unknown-level': 'Choose an access level from the list.',
  'not-invited': 'This person has already accepted their invitation.',
};

/** How the users actions word the shared refusals (the action wrappers' `messages`). */
export const STAFF_USER_MESSAGES = {
  notFound: 'That user no longer exists.',
  forbidden: 'You don’t have permission to manage users.',
} as const;

/** A change to a clinic user the rules refuse, in the words the page shows. */
export class StaffRuleError extends RuleError {
  constructor(override readonly code: StaffRuleCode) {
    super(code, MESSAGES[code]);
    this.name = 'StaffRuleError';
  }
}
