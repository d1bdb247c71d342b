import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authChallenges, portalAccounts, type AuthChallenge } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { AuditActions } from '@/lib/audit/actions';
import { now as clockNow } from '@/lib/clock';
import { normalizeRecoveryCode } from '@/lib/identity/recovery-codes';
import { AuthenticatorAuditActions, checkAuthenticatorCode, hasEnrolledAuthenticator, type AuthenticatorMethod } from '@/lib/portal-access/authenticator';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { challengeKey, challengePayload, countCodeAttempt, findOpenChallenge } from './challenges';
import { clearSignInFailures, lockRemainingSeconds, recordSignInFailure } from './lockout';
import { AUTH_POLICY } from './policy';
import type { ClientInfo } from './portal-sign-in';

/**
 * Portal sign-in's "Use my authenticator app instead" (issue 19, seed 004's SMS that never
 * arrives): at the SMS-code step, a patient with an enrolled app, on a clinic that allows it,
 * may type the app's code or a recovery code instead. It is the same step with the same rules:
 * the challenge's 5 guesses (shared with the SMS code), wrong codes counted towards the
 * identifier's lockout, and success leaves the challenge verified for Auth.js to consume
 * (lib/auth/portal-session.ts), which records the sign-in with the method kept here.
 */

/** What the challenge payload records about how the code step was passed. */
export interface SignInMethodPayload {
  lockKey?: string;
  method?: AuthenticatorMethod;
}

async function openAttempt(db: Executor, tenantId: string, challengeId: string | null): Promise<AuthChallenge | null> {
  return findOpenChallenge(db, challengeId, { tenantId, purposes: ['portal_sign_in'] });
}

/** Whether this attempt's code step may offer the app: the clinic allows it and the account has one. */
export async function authenticatorOffered(db: Executor, profile: TenantProfile, challengeId: string | null): Promise<boolean> {
  if (!profile.portal.totpAllowed) return false;
  const challenge = await openAttempt(db, profile.id, challengeId);
  if (!challenge || challenge.verifiedAt || challenge.subjectKind !== 'portal_account') return false;
  return hasEnrolledAuthenticator(db, profile.id, challenge.subjectId);
}

export type AppCodeOutcome =
  | { ok: true; method: AuthenticatorMethod }
  | { ok: false; error: 'no-attempt' | 'app-unavailable' | 'malformed' | 'too-many-attempts' }
  | { ok: false; error: 'wrong-code'; attemptsLeft: number }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

/** A 6-digit app code or a recovery code, in place of the SMS code. */
export async function verifyPortalSignInAppCode(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  input: string,
  client: ClientInfo,
): Promise<AppCodeOutcome> {
  const tenantId = profile.id;
  const challenge = await openAttempt(db, tenantId, challengeId);
  if (!challenge || challenge.subjectKind !== 'portal_account') return { ok: false, error: 'no-attempt' };
  const payload = challengePayload<SignInMethodPayload & Record<string, unknown>>(challenge);
  if (challenge.verifiedAt) return payload.method ? { ok: true, method: payload.method } : { ok: false, error: 'no-attempt' };
  const accountId = challenge.subjectId;
  // Turned off by the clinic, or removed meanwhile: the SMS code is the way in.
  if (!profile.portal.totpAllowed || !(await hasEnrolledAuthenticator(db, tenantId, accountId))) return { ok: false, error: 'app-unavailable' };

  const lockKey = String(payload.lockKey ?? '');
  const locked = lockKey ? await lockRemainingSeconds(db, lockKey) : 0;
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  const digits = input.normalize('NFKC').replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits) && !normalizeRecoveryCode(input)) return { ok: false, error: 'malformed' };

  const audit = { tenantId, actor: { kind: 'patient' as const, id: accountId }, ip: client.ip, userAgent: client.userAgent };
  const claimed = await countCodeAttempt(db, challenge);
  const check = claimed ? await checkAuthenticatorCode(db, tenantId, accountId, input) : { ok: false as const };
  if (!check.ok) {
    await recordAudit(db, { ...audit, action: AuditActions.codeFailed, outcome: 'failure', details: { area: 'portal', method: 'authenticator' } });
    const lockedFor = lockKey ? await recordSignInFailure(db, lockKey) : 0;
    if (lockedFor > 0) {
      await db.update(authChallenges).set({ completedAt: clockNow() }).where(challengeKey(challenge));
      await recordAudit(db, { ...audit, action: AuditActions.locked, outcome: 'denied', details: { area: 'portal' } });
      return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    }
    if (!claimed) return { ok: false, error: 'too-many-attempts' };
    const [row] = await db.select({ attempts: authChallenges.codeAttempts }).from(authChallenges).where(challengeKey(challenge));
    const attemptsLeft = AUTH_POLICY.codeMaxAttempts - (row?.attempts ?? AUTH_POLICY.codeMaxAttempts);
    return attemptsLeft > 0 ? { ok: false, error: 'wrong-code', attemptsLeft } : { ok: false, error: 'too-many-attempts' };
  }

  // As a right SMS code does: the challenge is verified (its SMS code dies with it), once.
  const verified = await db
    .update(authChallenges)
    .set({ verifiedAt: clockNow(), codeHash: null, payload: JSON.stringify({ ...payload, method: check.method }) })
    .where(and(challengeKey(challenge), isNull(authChallenges.verifiedAt), isNull(authChallenges.completedAt)))
    .returning({ id: authChallenges.id });
  if (verified.length === 0) return { ok: false, error: 'no-attempt' };
  if (lockKey) await clearSignInFailures(db, lockKey);
  await db.update(portalAccounts).set({ lockedUntil: null }).where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, accountId)));
  if (check.method === 'recovery_code') {
    await recordAudit(db, { ...audit, action: AuthenticatorAuditActions.recoveryCodeUsed, target: { type: 'portal_account', id: accountId }, details: { area: 'portal', left: check.recoveryCodesLeft ?? 0 } });
  }
  return { ok: true, method: check.method };
}
