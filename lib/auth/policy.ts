/** Sign-in limits in one place (seed 004 and the identity issue). */
export const AUTH_POLICY = {
  codeLength: 6,
  codeTtlSeconds: 10 * 60,
  codeMaxAttempts: 5,
  resendAfterSeconds: 60,
  codesPerHour: 5,
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
