import 'server-only';
import { AUTH_POLICY } from '@/lib/auth/policy';

/**
 * Limits of the ways into the portal. The code limits (5 guesses, 60 s resend, 5 SMS an hour,
 * 10 failures lock for 15 minutes) are the sign-in ones from AUTH_POLICY, unchanged.
 */
export const PORTAL_ACCESS_POLICY = {
  /** Activation, claim and reset attempts one address may start in an hour. */
  perIpPerHour: AUTH_POLICY.activationPerIpPerHour,
  /** Wrong details before a printed portal ID locks until staff unlock it (seed 001). */
  portalCodeMaxAttempts: AUTH_POLICY.activationMaxAttempts,
  /**
   * How long a portal ID that does not exist stays "locked" after 5 tries, so a lock message
   * cannot be used to find out which IDs exist. Real IDs stay locked until staff unlock them.
   */
  unknownPortalCodeLockSeconds: 30 * 24 * 60 * 60,
  /** Attempts at drawing an unused portal ID before giving up (a million values per clinic). */
  portalCodeDraws: 10,
  inviteMessageMaxLength: 1000,
} as const;
