import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

export type ProviderRuleCode = 'not-active' | 'not-provider' | 'hours-overlap' | 'location-inactive' | 'time-off-order' | 'time-off-past';

/** The sentence the page shows for each refusal, with the field it points at. */
function refusal(code: ProviderRuleCode, d: Record<string, string>): { message: string; fieldErrors?: Record<string, string> } {
  switch (code) {
    case 'not-active':
      return { message: `${d.name} is not an active user. Only active staff can be providers.` };
    case 'not-provider':
      return { message: `${d.name} is not marked as a provider. Mark them as a provider first.` };
    case 'hours-overlap':
      return {
        message: 'These hours were not added.',
        fieldErrors: { startTime: `They overlap ${d.weekday} ${d.start}–${d.end} at ${d.location}. Change the times or remove those hours first.` },
      };
    case 'location-inactive':
      return { message: 'These hours were not added.', fieldErrors: { locationId: `${d.name} is inactive. Choose an active location.` } };
    case 'time-off-order':
      return { message: 'This time off was not added.', fieldErrors: { endsAt: 'The end must be after the start.' } };
    case 'time-off-past':
      return { message: 'This time off was not added.', fieldErrors: { endsAt: 'This time off has already ended. Enter a period that ends in the future.' } };
  }
}

/** A providers rule refused a change, in the words the page shows. */
export class ProviderRuleError extends RuleError {
  constructor(override readonly code: ProviderRuleCode, readonly detail: Record<string, string> = {}) {
    const { message, fieldErrors } = refusal(code, detail);
    super(code, message, fieldErrors);
    this.name = 'ProviderRuleError';
  }
}
