import 'server-only';
import { AUTH_POLICY } from '@/lib/auth/policy';

/**
 * Limits of the ways into the portal. The code limits (5 guesses, 60 s resend, 5 SMS an hour,
 * 10 failures lock for 15 minutes) are the sign-in ones from AUTH_POLICY, unchanged.
 */
export const PORTAL_ACCESS_POLICY = {
  /** Activation, claim and reset attempts one address may start in an hour. */
  perIpPerHour: AUTH_POLICY.activationPerIpPerHour,
  /**
   * Wrong details one address may try on one portal ID before that attempt waits
   * (`attemptLockSeconds`). The ID itself is never locked by wrong tries: anyone could lock
   * every ID, and the right patient must still be able to finish from their own device.
   */
  portalCodeMaxAttempts: AUTH_POLICY.activationMaxAttempts,
  attemptLockSeconds: 60 * 60,
  /**
   * Activation attempts a whole clinic takes in ten minutes, whatever the addresses: a sweep
   * from many addresses is stopped too (one client reached about a hundred a second).
   */
  perClinic: { limit: 100, windowSeconds: 10 * 60 },
  /** Attempts at drawing an unused portal ID before giving up (a million values per clinic). */
  portalCodeDraws: 10,
  inviteMessageMaxLength: 1000,
} as const;
