import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { PERMISSIONS, type Permission } from '@/lib/access/permissions';
import { settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';

export type AccessLevelRuleCode = 'builtin' | 'name-taken' | 'in-use' | 'last-admin' | 'beyond-own';

/** An access-level change the rules refuse; `code` maps to the sentence the page shows. */
export class AccessLevelRuleError extends Error {
  constructor(readonly code: AccessLevelRuleCode, readonly detail: Record<string, string> = {}) {
    super(code);
    this.name = 'AccessLevelRuleError';
  }
}

function ruleState(error: AccessLevelRuleError, values?: Record<string, string>): SettingsActionState {
  const { detail } = error;
  switch (error.code) {
    case 'builtin':
      return { ok: false, message: `${detail.name} is a built-in level: it cannot be changed or deleted. Create a custom level instead.` };
    case 'name-taken':
      return { ok: false, values, message: 'This name was not saved.', fieldErrors: { name: `A level named “${detail.name}” already exists. Choose another name.` } };
    case 'in-use':
      return { ok: false, message: `${detail.name} is assigned to ${detail.count === '1' ? '1 user' : `${detail.count} users`}. Move them to another level first.` };
    case 'last-admin':
      return { ok: false, message: 'Nothing was saved: no active user would be left who can manage users. Keep “Invite users and manage access levels” on a level that an active user has.' };
    case 'beyond-own': {
      const label = PERMISSIONS[detail.permission as Permission] ?? detail.permission;
      return { ok: false, message: `Nothing was saved: you can only grant permissions you have yourself (“${label}”).` };
    }
  }
}

/** What an access-levels action returns when refused; unexpected errors are rethrown. */
export function accessLevelFailure(error: unknown, values?: Record<string, string>): SettingsActionState {
  if (error instanceof AccessLevelRuleError) return ruleState(error, values);
  if (error instanceof NotFoundError) return { ok: false, message: 'That access level no longer exists. Reload the page to see the current list.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'You don’t have permission to manage users and access levels.' };
  return settingsFailure(error, values);
}
