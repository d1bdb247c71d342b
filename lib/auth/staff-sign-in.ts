import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessLevels, authChallenges, staffUsers, type AuthChallenge, type StaffUser } from '@/db/schema';
import { isPermission, type Permission } from '@/lib/access/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { decryptField, encryptField } from '@/lib/crypto/field-encryption';
import { verifyPasswordOrDummy } from '@/lib/identity/password-hash';
import { generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from '@/lib/identity/totp';
import type { SmsSender } from '@/lib/sms/types';
import { now as clockNow } from '@/lib/clock';
import { challengeKey, challengePayload, countCodeAttempt, createChallenge, findOpenChallenge, sendSignInCode, verifyChallengeCode, type CodeSendOutcome } from './challenges';
import { maskPhone } from './identifiers';
import { claimSignInAttempt, clearSignInFailures, lockIfLastAttempt, lockoutKey, recordSignInFailure, releaseSignInAttempt } from './lockout';
import type { ClientInfo } from './portal-sign-in';

/**
 * Staff sign-in: email + password, then a second factor: an authenticator app (enrolled with a
 * QR code at the first sign-in) or, as a fallback, an SMS code to the staff member's phone.
 */

type StaffChallengePayload = { lockKey: string; enrollSecretEnc?: string };

export type StaffSignInStep =
  | { ok: true; step: 'totp'; challengeId: string; smsFallback: boolean }
  | { ok: true; step: 'enroll'; challengeId: string; secret: string; qrSvg: string }
  | { ok: false; error: 'invalid-credentials' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

export async function startStaffSignIn(
  db: Executor,
  tenant: { id: string; name: string },
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<StaffSignInStep> {
  const email = input.email.trim().toLowerCase();
  const lockKey = lockoutKey('staff', tenant.id, email);
  const audit = { tenantId: tenant.id, ip: client.ip, userAgent: client.userAgent };

  // The attempt is claimed before the slow password check, so a burst cannot exceed the limit.
  const claim = await claimSignInAttempt(db, lockKey);
  const locked = claim.lockedFor;
  if (locked > 0) {
    await recordAudit(db, { ...audit, actor: { kind: 'anonymous', label: email }, action: 'auth.sign_in_failed', outcome: 'denied', details: { area: 'staff', reason: 'locked' } });
    return { ok: false, error: 'locked', retryAfterSeconds: locked };
  }
  const [user] = await db.select().from(staffUsers).where(and(eq(staffUsers.tenantId, tenant.id), eq(staffUsers.email, email)));
  const passwordOk = await verifyPasswordOrDummy(user?.passwordHash, input.password);
  if (!user || !passwordOk || user.status !== 'active') {
    const lockedFor = await lockIfLastAttempt(db, lockKey, claim.count);
    await recordAudit(db, {
      ...audit,
      actor: { kind: user ? 'staff' : 'anonymous', id: user?.id ?? null, label: email },
      action: 'auth.sign_in_failed',
      outcome: 'failure',
      details: { area: 'staff', reason: !user ? 'unknown-email' : !passwordOk ? 'wrong-password' : `status-${user.status}` },
    });
    if (lockedFor > 0) {
      await recordAudit(db, { ...audit, actor: { kind: user ? 'staff' : 'anonymous', id: user?.id ?? null, label: email }, action: 'auth.locked', outcome: 'denied', details: { area: 'staff' } });
      return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    }
    return { ok: false, error: 'invalid-credentials' };
  }

  await releaseSignInAttempt(db, lockKey);
  if (user.totpSecretEnc) {
    const challenge = await createChallenge(db, {
      tenantId: tenant.id, purpose: 'staff_sign_in', subject: { kind: 'staff', id: user.id }, phone: user.phone,
      payload: { lockKey } satisfies StaffChallengePayload, ip: client.ip,
    });
    return { ok: true, step: 'totp', challengeId: challenge.id, smsFallback: !!user.phone };
  }

  // First sign-in: enrol an authenticator. The secret waits, encrypted, in the challenge.
  const secret = generateTotpSecret();
  const challenge = await createChallenge(db, {
    tenantId: tenant.id, purpose: 'staff_sign_in', subject: { kind: 'staff', id: user.id }, phone: user.phone,
    payload: { lockKey, enrollSecretEnc: encryptField(secret) } satisfies StaffChallengePayload, ip: client.ip,
  });
  const qrSvg = await totpQrSvg(totpUri({ secret, accountName: user.email, issuer: tenant.name }));
  return { ok: true, step: 'enroll', challengeId: challenge.id, secret, qrSvg };
}

export type SecondFactorResult =
  | { ok: true }
  | { ok: false; error: 'no-attempt' | 'wrong-totp' | 'too-many-attempts' | 'malformed' | 'expired' | 'no-code' }
  | { ok: false; error: 'wrong-code'; attemptsLeft: number }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

export async function openStaffChallenge(db: Executor, tenantId: string, challengeId: string | null) {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId, purposes: ['staff_sign_in'] });
  if (!challenge) return null;
  const [user] = await db.select().from(staffUsers).where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.id, challenge.subjectId)));
  if (!user || user.status !== 'active') return null;
  return { challenge, user };
}

async function failSecondFactor(db: Executor, challenge: AuthChallenge, user: StaffUser, client: ClientInfo): Promise<SecondFactorResult | null> {
  await recordAudit(db, { tenantId: user.tenantId, actor: { kind: 'staff', id: user.id }, action: 'auth.code_failed', outcome: 'failure', ip: client.ip, userAgent: client.userAgent, details: { area: 'staff' } });
  const lockKey = challengePayload<StaffChallengePayload>(challenge).lockKey;
  const lockedFor = lockKey ? await recordSignInFailure(db, lockKey) : 0;
  if (lockedFor > 0) {
    await db.update(authChallenges).set({ completedAt: clockNow() }).where(challengeKey(challenge));
    return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
  }
  return null;
}

/** Authenticator code, for an enrolled user or to finish enrolment. */
export async function verifyStaffTotp(
  db: Executor,
  tenantId: string,
  challengeId: string | null,
  token: string,
  client: ClientInfo,
): Promise<SecondFactorResult> {
  const open = await openStaffChallenge(db, tenantId, challengeId);
  if (!open) return { ok: false, error: 'no-attempt' };
  const { challenge, user } = open;
  const payload = challengePayload<StaffChallengePayload>(challenge);
  if (!/^\s*\d{3}\s?\d{3}\s*$/.test(token)) return { ok: false, error: 'malformed' };

  // Attempts on one challenge are capped like SMS codes.
  if (!(await countCodeAttempt(db, challenge))) return { ok: false, error: 'too-many-attempts' };

  const enrolling = !user.totpSecretEnc && payload.enrollSecretEnc;
  const secret = user.totpSecretEnc ? decryptField(user.totpSecretEnc) : payload.enrollSecretEnc ? decryptField(payload.enrollSecretEnc) : null;
  if (!secret) return { ok: false, error: 'no-attempt' };
  const result = verifyTotp(secret, token, { lastUsedStep: user.totpLastStep });
  if (!result.ok) {
    return (await failSecondFactor(db, challenge, user, client)) ?? { ok: false, error: 'wrong-totp' };
  }
  // Record the step (refusing a replay that raced us) and, when enrolling, the secret.
  const updated = await db
    .update(staffUsers)
    .set({
      totpLastStep: result.step,
      ...(enrolling ? { totpSecretEnc: encryptField(secret), totpEnrolledAt: clockNow() } : {}),
    })
    .where(and(
      eq(staffUsers.tenantId, tenantId),
      eq(staffUsers.id, user.id),
      sql`(${staffUsers.totpLastStep} is null or ${staffUsers.totpLastStep} < ${result.step})`,
    ))
    .returning({ id: staffUsers.id });
  if (updated.length === 0) return { ok: false, error: 'wrong-totp' };
  if (enrolling) {
    await recordAudit(db, { tenantId, actor: { kind: 'staff', id: user.id }, action: 'auth.totp_enrolled', ip: client.ip, userAgent: client.userAgent });
  }
  await db.update(authChallenges).set({ verifiedAt: clockNow() }).where(challengeKey(challenge));
  if (payload.lockKey) await clearSignInFailures(db, payload.lockKey);
  return { ok: true };
}

export type StaffSmsResult =
  | { ok: true; maskedPhone: string; resendAvailableAt: Date }
  | { ok: false; error: 'no-attempt' | 'no-phone' }
  | Exclude<CodeSendOutcome, { ok: true }>;

/** The fallback: a code by SMS to the staff member's phone, for an enrolled user. */
export async function sendStaffSmsCode(
  db: Executor,
  tenant: { id: string; name: string },
  challengeId: string | null,
  sms: SmsSender,
  client: ClientInfo,
): Promise<StaffSmsResult> {
  const open = await openStaffChallenge(db, tenant.id, challengeId);
  if (!open) return { ok: false, error: 'no-attempt' };
  if (!open.user.phone || !open.user.totpSecretEnc) return { ok: false, error: 'no-phone' };
  const sent = await sendSignInCode(db, open.challenge, sms, tenant.name);
  if (!sent.ok) return sent;
  await recordAudit(db, { tenantId: tenant.id, actor: { kind: 'staff', id: open.user.id }, action: 'auth.code_sent', ip: client.ip, userAgent: client.userAgent, details: { area: 'staff' } });
  return { ok: true, maskedPhone: maskPhone(open.user.phone), resendAvailableAt: sent.resendAvailableAt };
}

export async function verifyStaffSmsCode(
  db: Executor,
  tenantId: string,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<SecondFactorResult> {
  const open = await openStaffChallenge(db, tenantId, challengeId);
  if (!open) return { ok: false, error: 'no-attempt' };
  const result = await verifyChallengeCode(db, open.challenge, code);
  if (result.ok) {
    const lockKey = challengePayload<StaffChallengePayload>(open.challenge).lockKey;
    if (lockKey) await clearSignInFailures(db, lockKey);
    return { ok: true };
  }
  if (result.reason === 'wrong-code' || result.reason === 'too-many-attempts') {
    const locked = await failSecondFactor(db, open.challenge, open.user, client);
    if (locked) return locked;
  }
  if (result.reason === 'wrong-code') return { ok: false, error: 'wrong-code', attemptsLeft: result.attemptsLeft };
  return { ok: false, error: result.reason };
}

/** The permissions of the person a staff challenge belongs to (to pick where they land). */
export async function staffPermissionsForChallenge(db: Executor, tenantId: string, challengeId: string | null): Promise<Set<Permission>> {
  const open = await openStaffChallenge(db, tenantId, challengeId);
  if (!open) return new Set();
  const [level] = await db
    .select({ permissions: accessLevels.permissions })
    .from(accessLevels)
    .where(and(eq(accessLevels.tenantId, tenantId), eq(accessLevels.id, open.user.accessLevelId)));
  return new Set((level?.permissions ?? []).filter(isPermission));
}
