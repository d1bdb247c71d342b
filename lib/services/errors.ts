import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

/** A services rule refused a change, in the words the form shows. */
export class ServiceRuleError extends RuleError {
  constructor(override readonly code: 'name-taken', readonly detail: { name: string }) {
    super(code, 'This service was not saved.', {
      name: `A service named “${detail.name}” already exists (perhaps inactive). Choose another name, or edit that one.`,
    });
    this.name = 'ServiceRuleError';
  }
}
