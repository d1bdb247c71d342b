import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

/** A services rule refused a change, in the words the form shows. */
export class ServiceRuleError extends RuleError {
  constructor(code: 'name-taken', detail: { name: string });
  constructor(code: 'form-unavailable');
  constructor(override readonly code: 'name-taken' | 'form-unavailable', readonly detail?: { name: string }) {
    super(code, 'This service was not saved.', code === 'name-taken'
      ? { name: `A service named “${detail!.name}” already exists (perhaps inactive). Choose another name, or edit that one.` }
      : { requiredFormIds: 'One of the chosen forms is no longer available to require (unpublished, archived or removed). Reload the page and choose again.' });
    this.name = 'ServiceRuleError';
  }
}
