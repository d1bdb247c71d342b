import 'server-only';
import type { SessionKind } from '@/db/schema';
import { isProduction } from '@/lib/config/env';

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
  inviteTtlSeconds: 24 * 60 * 60,
  passwordResetTtlSeconds: 60 * 60,
  activationMaxAttempts: 5,
  activationPerIpPerHour: 20,
} as const;

/** Host-only session cookie per kind of person (`__Host-` in production); Auth.js issues it. */
export function sessionCookieName(kind: SessionKind): string {
  return isProduction ? `__Host-cb.${kind}` : `cb.${kind}`;
}
