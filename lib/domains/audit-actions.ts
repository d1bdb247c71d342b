import 'server-only';

/** Audit action names for domain changes (`domain.verb`, as lib/audit/actions.ts). */
export const DomainAuditActions = {
  subdomainChanged: 'domain.subdomain_changed',
  customAdded: 'domain.custom_added',
  customVerified: 'domain.custom_verified',
  customRemoved: 'domain.custom_removed',
} as const;
