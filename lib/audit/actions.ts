import 'server-only';
/**
 * The audit actions the app writes, named once so a typo cannot split one kind of event into
 * two and the CRM's audit filter can list them. `domain.verb`, past tense for what happened.
 */
export const AuditActions = {
  signIn: 'auth.sign_in',
  signInFailed: 'auth.sign_in_failed',
  codeSent: 'auth.code_sent',
  codeFailed: 'auth.code_failed',
  locked: 'auth.locked',
  signOut: 'auth.sign_out',
  sessionExpired: 'auth.session_expired',
  passwordChanged: 'auth.password_changed',
  passwordReset: 'auth.password_reset',
  totpEnrolled: 'auth.totp_enrolled',
  passkeyAdded: 'auth.passkey_added',
  passkeyRenamed: 'auth.passkey_renamed',
  passkeyRemoved: 'auth.passkey_removed',
  passkeyFailed: 'auth.passkey_failed',
  passkeyCounterRegressed: 'auth.passkey_counter_regressed',
  inviteSent: 'invite.sent',
  inviteAccepted: 'invite.accepted',
  inviteRevoked: 'invite.revoked',
  portalActivated: 'portal.activated',
  portalClaimed: 'portal.claimed',
  staffAccessLevelChanged: 'staff.access_level_changed',
  staffDeactivated: 'staff.deactivated',
  patientViewed: 'patient.viewed',
  patientUpdated: 'patient.updated',
  portalUserCreated: 'portal.user_created',
  portalUnlocked: 'portal.unlocked',
  portalAccessEnabled: 'portal.access_enabled',
  portalAccessDisabled: 'portal.access_disabled',
  portalActivationFailed: 'portal.activation_failed',
  portalPreferencesUpdated: 'portal.preferences_updated',
  portalContactChanged: 'portal.contact_changed',
  portalAccountDeleted: 'portal.account_deleted',
  portalAccountUnlinked: 'portal.account_unlinked',
  passwordResetRequested: 'auth.password_reset_requested',
} as const;

export type KnownAuditAction = (typeof AuditActions)[keyof typeof AuditActions];

/**
 * A known action, or another string for a domain that has not named its actions here yet.
 * `string & {}` keeps editor completion for the known names instead of widening to plain string.
 */
export type AuditAction = KnownAuditAction | (string & {});

export const knownAuditActions: readonly KnownAuditAction[] = Object.values(AuditActions);

export function isKnownAuditAction(action: string): action is KnownAuditAction {
  return (knownAuditActions as readonly string[]).includes(action);
}
