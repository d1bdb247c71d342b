import { settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';

/** A services rule refused a change; the action layer turns it into a message. */
export class ServiceRuleError extends Error {
  constructor(readonly code: 'name-taken', readonly detail: { name: string }) {
    super(code);
    this.name = 'ServiceRuleError';
  }
}

export function serviceFailure(error: unknown, values?: Record<string, string>): SettingsActionState {
  if (error instanceof ServiceRuleError) {
    return {
      ok: false,
      values,
      message: 'This service was not saved.',
      fieldErrors: { name: `A service named “${error.detail.name}” already exists (perhaps inactive). Choose another name, or edit that one.` },
    };
  }
  return settingsFailure(error, values);
}
