import 'server-only';
import { RuleError } from '@/lib/kernel/errors';

export type DomainRuleCode =
  | 'subdomain-reserved'
  | 'subdomain-malformed'
  | 'subdomain-taken'
  | 'domain-malformed'
  | 'domain-platform'
  | 'domain-other-clinic'
  | 'domain-already-added'
  | 'dns-unavailable'
  | 'hosting-refused'
  | 'hosting-unavailable';

/** The sentence the form shows for each refusal: beside the field it points at, else for the form. */
function refusal(code: DomainRuleCode, detail: Record<string, string>): { field?: string; message: string } {
  switch (code) {
    case 'subdomain-reserved':
      return { field: 'label', message: `“${detail.label}” is reserved for the platform. Choose another address.` };
    case 'subdomain-malformed':
      return { field: 'label', message: 'Use 1–63 lower-case letters, digits and hyphens, not starting or ending with a hyphen.' };
    case 'subdomain-taken':
      return { field: 'label', message: 'Another clinic already uses this address. Choose another one.' };
    case 'domain-malformed':
      return { field: 'hostname', message: 'Enter a domain name such as portal.yourclinic.com (no https:// and no path).' };
    case 'domain-platform':
      return { field: 'hostname', message: `Addresses on ${detail.root} are managed by the platform: change your subdomain above instead.` };
    case 'domain-other-clinic':
      return { field: 'hostname', message: 'This domain is already used by another clinic.' };
    case 'domain-already-added':
      return { field: 'hostname', message: 'This domain is already on your list.' };
    case 'dns-unavailable':
      return { message: 'DNS could not be asked right now (the lookup failed). Try again in a few minutes.' };
    case 'hosting-refused':
      return { message: 'The hosting provider refused this domain: it is attached to another project. Nothing was changed; contact support.' };
    case 'hosting-unavailable':
      return { message: 'The hosting provider could not be updated just now. Nothing was changed; try again in a few minutes.' };
  }
}

/** A domain change the rules (or DNS, or the hosting provider) refuse, in the words the form shows. */
export class DomainRuleError extends RuleError {
  constructor(override readonly code: DomainRuleCode, readonly detail: Record<string, string> = {}) {
    const { field, message } = refusal(code, detail);
    super(code, field ? 'Nothing was changed.' : message, field ? { [field]: message } : undefined);
    this.name = 'DomainRuleError';
  }
}
