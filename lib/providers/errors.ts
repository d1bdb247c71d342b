import { settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';

/** A providers rule refused a change; the action layer turns it into a message. */
export class ProviderRuleError extends Error {
  constructor(
    readonly code: 'not-active' | 'not-provider' | 'hours-overlap' | 'location-inactive' | 'time-off-order' | 'time-off-past',
    readonly detail: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'ProviderRuleError';
  }
}

export function providerFailure(error: unknown, values?: Record<string, string>): SettingsActionState {
  if (error instanceof ProviderRuleError) {
    const d = error.detail;
    switch (error.code) {
      case 'not-active':
        return { ok: false, message: `${d.name} is not an active user. Only active staff can be providers.` };
      case 'not-provider':
        return { ok: false, message: `${d.name} is not marked as a provider. Mark them as a provider first.` };
      case 'hours-overlap':
        return {
          ok: false, values, message: 'These hours were not added.',
          fieldErrors: { startTime: `They overlap ${d.weekday} ${d.start}–${d.end} at ${d.location}. Change the times or remove those hours first.` },
        };
      case 'location-inactive':
        return { ok: false, values, message: 'These hours were not added.', fieldErrors: { locationId: `${d.name} is inactive. Choose an active location.` } };
      case 'time-off-order':
        return { ok: false, values, message: 'This time off was not added.', fieldErrors: { endsAt: 'The end must be after the start.' } };
      case 'time-off-past':
        return { ok: false, values, message: 'This time off was not added.', fieldErrors: { endsAt: 'This time off has already ended. Enter a period that ends in the future.' } };
    }
  }
  return settingsFailure(error, values);
}
