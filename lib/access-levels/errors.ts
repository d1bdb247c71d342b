import 'server-only';
import { PERMISSIONS, type Permission } from '@/lib/access/permissions';
import { RuleError } from '@/lib/kernel/errors';

export type AccessLevelRuleCode = 'builtin' | 'name-taken' | 'in-use' | 'last-admin' | 'beyond-own';

/** How the access-levels actions word the shared refusals (the action wrappers' `messages`). */
export const ACCESS_LEVEL_MESSAGES = {
  notFound: 'That access level no longer exists. Reload the page to see the current list.',
  forbidden: 'You don’t have permission to manage users and access levels.',
} as const;

/** The sentence the page shows for each refusal, with the field it points at. */
function refusal(code: AccessLevelRuleCode, detail: Record<string, string>): { message: string; fieldErrors?: Record<string, string> } {
  switch (code) {
    case 'builtin':
      return { message: `${detail.name} is a built-in level: it cannot be changed or deleted. Create a custom level instead.` };
    case 'name-taken':
      return { message: 'This name was not saved.', fieldErrors: { name: `A level named “${detail.name}” already exists. Choose another name.` } };
    case 'in-use':
      return { message: `${detail.name} is assigned to ${detail.count === '1' ? '1 user' : `${detail.count} users`}. Move them to another level first.` };
    case 'last-admin':
      return { message: 'Nothing was saved: no active user would be left who can manage users. Keep “Invite users and manage access levels” on a level that an active user has.' };
    case 'beyond-own': {
      const label = PERMISSIONS[detail.permission as Permission] ?? detail.permission;
      return { message: `Nothing was saved: you can only grant permissions you have yourself (“${label}”).` };
    }
  }
}

/** An access-level change the rules refuse, in the words the page shows. */
export class AccessLevelRuleError extends RuleError {
  constructor(override readonly code: AccessLevelRuleCode, readonly detail: Record<string, string> = {}) {
    const { message, fieldErrors } = refusal(code, detail);
    super(code, message, fieldErrors);
    this.name = 'AccessLevelRuleError';
  }
}
