import 'server-only';

/** Audit action names for proxy links (issue 19 point 5); details carry ids, scopes and dates only. */
export const ProxyAccessAuditActions = {
  /** Staff changed a link's scope, dates or evidence. */
  linkChanged: 'portal.proxy_link_changed',
  /** A teen agreed in the portal that a proxy keeps its full scope, or took it back. */
  teenConsentGiven: 'portal.proxy_teen_consent_given',
  teenConsentWithdrawn: 'portal.proxy_teen_consent_withdrawn',
  /** An adult patient granted a proxy access again after it ended at the adult age, or ended it. */
  adultGrantGiven: 'portal.proxy_adult_grant_given',
  adultGrantWithdrawn: 'portal.proxy_adult_grant_withdrawn',
} as const;
