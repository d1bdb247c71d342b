import 'server-only';

/**
 * Audit action names for the portal's self-registration (issue 19 point 4). Details carry ids,
 * statuses and reasons from closed sets; never what the registrant typed or a rejection's words.
 */
export const RegistrationAuditActions = {
  /** A new patient registered: their record, account and link were made (open or waiting for approval). */
  registered: 'portal.registered',
  /** A registration made nothing (the identifier already signs in to an account). */
  failed: 'portal.registration_failed',
  /** Staff opened the list of registrations waiting for a decision. */
  listed: 'portal.registrations_listed',
  approved: 'portal.registration_approved',
  rejected: 'portal.registration_rejected',
} as const;
