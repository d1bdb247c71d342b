import 'server-only';
import type { SessionKind } from '@/db/schema';
import { isProduction } from '@/lib/config/env';

function parseIdleAccounts(value: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const pair of (value ?? '').split(',')) {
    const [email, seconds] = pair.split('=');
    if (email?.trim() && Number(seconds) > 0) out.set(email.trim().toLowerCase(), Number(seconds));
  }
  return out;
}

/** Sign-in limits in one place (seed 004 and the identity issue). */
export const AUTH_POLICY = {
  codeLength: 6,
  codeTtlSeconds: 10 * 60,
  codeMaxAttempts: 5,
  resendAfterSeconds: 60,
  // The end-to-end suite signs the same demo patient in more than 5 times an hour; only a test
  // server may raise the limit.
  codesPerHour: process.env.CAREBRIDGE_ENV === 'test' && process.env.SMS_CODES_PER_HOUR ? Number(process.env.SMS_CODES_PER_HOUR) : 5,
  challengeTtlSeconds: 20 * 60,
  failedSignInsBeforeLock: 10,
  lockSeconds: 15 * 60,
  portalIdleSeconds: Number(process.env.PORTAL_IDLE_TIMEOUT_SECONDS ?? 60 * 60),
  staffIdleOverrideSeconds: process.env.STAFF_IDLE_TIMEOUT_SECONDS ? Number(process.env.STAFF_IDLE_TIMEOUT_SECONDS) : null,
  absoluteSessionSeconds: 12 * 60 * 60,
  idleWarningSeconds: Number(process.env.PORTAL_IDLE_WARNING_SECONDS ?? 60),
  // Staff are warned two minutes ahead (never more than half the limit: components/auth/idle-timing.ts).
  staffIdleWarningSeconds: Number(process.env.STAFF_IDLE_WARNING_SECONDS ?? 120),
  // The end-to-end suite cannot wait out a clinic's five-minute minimum, and a short limit for
  // every staff account would break its other journeys: a test server only may shorten it for
  // the accounts named ("dr.patel@sunrise.test=60,…"), from their next sign-in.
  staffIdleTestAccounts: process.env.CAREBRIDGE_ENV === 'test' ? parseIdleAccounts(process.env.STAFF_IDLE_TEST_ACCOUNTS) : new Map<string, number>(),
  inviteTtlSeconds: 24 * 60 * 60,
  passwordResetTtlSeconds: 60 * 60,
  activationMaxAttempts: 5,
  activationPerIpPerHour: 20,
} as const;

/** Host-only session cookie per kind of person (`__Host-` in production); Auth.js issues it. */
export function sessionCookieName(kind: SessionKind): string {
  return isProduction ? `__Host-cb.${kind}` : `cb.${kind}`;
}
