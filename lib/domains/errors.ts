import { settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';
import { DnsLookupError } from './dns';
import { VercelDomainError } from './vercel';

export type DomainRuleCode =
  | 'subdomain-reserved'
  | 'subdomain-malformed'
  | 'subdomain-taken'
  | 'domain-malformed'
  | 'domain-platform'
  | 'domain-other-clinic'
  | 'domain-already-added';

/** A domain change the rules refuse; `code` maps to the sentence the form shows. */
export class DomainRuleError extends Error {
  constructor(readonly code: DomainRuleCode, readonly detail: Record<string, string> = {}) {
    super(code);
    this.name = 'DomainRuleError';
  }
}

function ruleMessage(error: DomainRuleError): { field: string; message: string } {
  const { code, detail } = error;
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
  }
}

/** What a domains action returns when refused; unexpected errors are rethrown. */
export function domainFailure(error: unknown, values?: Record<string, string>): SettingsActionState {
  if (error instanceof DomainRuleError) {
    const { field, message } = ruleMessage(error);
    return { ok: false, message: 'Nothing was changed.', fieldErrors: { [field]: message }, values };
  }
  if (error instanceof DnsLookupError) {
    return { ok: false, message: 'DNS could not be asked right now (the lookup failed). Try again in a few minutes.' };
  }
  if (error instanceof VercelDomainError) {
    return {
      ok: false,
      values,
      message: error.status === 409 || error.status === 403
        ? 'The hosting provider refused this domain: it is attached to another project. Nothing was changed; contact support.'
        : 'The hosting provider could not be updated just now. Nothing was changed; try again in a few minutes.',
    };
  }
  return settingsFailure(error, values);
}
