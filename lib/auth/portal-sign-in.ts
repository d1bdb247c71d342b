import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { portalAccounts } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { verifyPasswordOrDummy } from '@/lib/identity/password-hash';
import type { PublicKeyCredentialRequestOptionsJSON } from '@/lib/identity/passkeys/ceremonies';
import type { RelyingParty } from '@/lib/identity/passkeys/relying-party';
import { getSmsSender } from '@/lib/messaging/providers';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { challengePayload, createChallenge, findOpenChallenge, firstCodeRefusal, sendSignInCode, verifyChallengeCode, type CodeSendOutcome } from './challenges';
import { findPortalAccountByIdentifier, maskPhone, normalizeIdentifier } from './identifiers';
import { offerPortalPasskey } from './portal-passkey-sign-in';
import { claimSignInAttempt, clearSignInFailures, lockIfLastAttempt, lockoutKey, lockRemainingSeconds, recordSignInFailure, releaseSignInAttempt } from './lockout';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}


export type StartSignInResult =
  | { ok: true; challengeId: string; maskedPhone: string; resendAvailableAt: Date }
  /** A passkey is offered first: no SMS has been sent (lib/auth/portal-passkey-sign-in.ts). */
  | { ok: true; challengeId: string; passkey: PublicKeyCredentialRequestOptionsJSON }
  | { ok: false; error: 'invalid-credentials' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number }
  | { ok: false; error: 'too-many-codes'; retryAfterSeconds: number }
  | { ok: false; error: 'sms-failed' }
  | { ok: false; error: 'portal-disabled' }
  /** Said only after the right password: a self-registration the clinic has not decided on, or refused. */
  | { ok: false; error: 'awaiting-approval' | 'registration-rejected' };

/**
 * Step 1: identifier and password. On success an SMS code is on its way, unless the clinic
 * accepts passkeys and the account has one made on this host (`rp`): then that is offered first.
 */
export async function startPortalSignIn(
  db: Executor,
  profile: TenantProfile,
  input: { identifier: string; password: string },
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
  rp: RelyingParty | null = null,
): Promise<StartSignInResult> {
  if (!profile.portal.enabled) return { ok: false, error: 'portal-disabled' };
  const mode = profile.portal.identificationMode;
  const key = lockoutKey('portal', profile.id, normalizeIdentifier(mode, input.identifier));
  const audit = { tenantId: profile.id, ip: client.ip, userAgent: client.userAgent };

  const claim = await claimSignInAttempt(db, key);
  const locked = claim.lockedFor;
  if (locked > 0) {
    await recordAudit(db, { ...audit, actor: { kind: 'anonymous' }, action: 'auth.sign_in_failed', outcome: 'denied', details: { area: 'portal', reason: 'locked' } });
    return { ok: false, error: 'locked', retryAfterSeconds: locked };
  }

  const account = await findPortalAccountByIdentifier(db, profile.id, mode, input.identifier);
  const passwordOk = await verifyPasswordOrDummy(account?.passwordHash, input.password);
  if (account && passwordOk && (account.status === 'pending' || account.status === 'rejected')) {
    // The person who registered (they know the password) learns where their registration stands.
    await releaseSignInAttempt(db, key);
    await recordAudit(db, {
      ...audit, actor: { kind: 'patient', id: account.id }, action: 'auth.sign_in_failed', outcome: 'denied',
      details: { area: 'portal', reason: account.status === 'pending' ? 'awaiting-approval' : 'registration-rejected' },
    });
    return { ok: false, error: account.status === 'pending' ? 'awaiting-approval' : 'registration-rejected' };
  }
  if (!account || !passwordOk || account.status !== 'active') {
    const lockedFor = await lockIfLastAttempt(db, key, claim.count);
    await recordAudit(db, {
      ...audit,
      actor: { kind: account ? 'patient' : 'anonymous', id: account?.id ?? null },
      action: 'auth.sign_in_failed',
      outcome: 'failure',
      details: { area: 'portal', reason: !account ? 'unknown-identifier' : !passwordOk ? 'wrong-password' : 'account-disabled' },
    });
    if (lockedFor > 0) {
      if (account) await db.update(portalAccounts).set({ lockedUntil: addSeconds(clockNow(), lockedFor) }).where(and(eq(portalAccounts.tenantId, profile.id), eq(portalAccounts.id, account.id)));
      await recordAudit(db, { ...audit, actor: { kind: account ? 'patient' : 'anonymous', id: account?.id ?? null }, action: 'auth.locked', outcome: 'denied', details: { area: 'portal' } });
      return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    }
    return { ok: false, error: 'invalid-credentials' };
  }

  await releaseSignInAttempt(db, key);
  const challenge = await createChallenge(db, {
    tenantId: profile.id,
    purpose: 'portal_sign_in',
    subject: { kind: 'portal_account', id: account.id },
    phone: account.phone,
    payload: { lockKey: key },
    ip: client.ip,
  });
  const passkey = await offerPortalPasskey(db, profile, challenge.id, rp);
  if (passkey) return { ok: true, challengeId: challenge.id, passkey };
  const sent = await sendSignInCode(db, challenge, sms, profile.branding.displayName);
  if (!sent.ok) return firstCodeRefusal(sent);
  await recordAudit(db, { ...audit, actor: { kind: 'patient', id: account.id }, action: 'auth.code_sent', details: { area: 'portal' } });
  return { ok: true, challengeId: challenge.id, maskedPhone: maskPhone(account.phone), resendAvailableAt: sent.resendAvailableAt };
}

export type ResendResult = CodeSendOutcome | { ok: false; error: 'no-attempt' };

export async function resendPortalCode(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<ResendResult> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId: profile.id, purposes: ['portal_sign_in'] });
  if (!challenge || challenge.verifiedAt) return { ok: false, error: 'no-attempt' };
  const sent = await sendSignInCode(db, challenge, sms, profile.branding.displayName);
  if (!sent.ok) return sent;
  await recordAudit(db, { tenantId: profile.id, actor: { kind: 'patient', id: challenge.subjectId }, action: 'auth.code_sent', ip: client.ip, userAgent: client.userAgent, details: { area: 'portal', resend: true } });
  return { ok: true, resendAvailableAt: sent.resendAvailableAt };
}

export type VerifyCodeOutcome =
  | { ok: true }
  | { ok: false; error: 'no-attempt' | 'malformed' | 'expired' | 'too-many-attempts' | 'no-code' }
  | { ok: false; error: 'wrong-code'; attemptsLeft: number }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

/** Step 2: the SMS code. Success leaves the challenge verified, ready for Auth.js to consume. */
export async function verifyPortalSignInCode(
  db: Executor,
  tenantId: string,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<VerifyCodeOutcome> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId, purposes: ['portal_sign_in'] });
  if (!challenge) return { ok: false, error: 'no-attempt' };
  if (challenge.verifiedAt) return { ok: true };
  const lockKey = String(challengePayload<{ lockKey: string }>(challenge).lockKey ?? '');
  // A lock that started after this attempt began still applies to it.
  const locked = lockKey ? await lockRemainingSeconds(db, lockKey) : 0;
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  const result = await verifyChallengeCode(db, challenge, code);
  if (result.ok) {
    if (lockKey) await clearSignInFailures(db, lockKey);
    await db.update(portalAccounts).set({ lockedUntil: null }).where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, challenge.subjectId)));
    return { ok: true };
  }
  if (result.reason === 'malformed') return { ok: false, error: 'malformed' };
  if (result.reason === 'wrong-code' || result.reason === 'too-many-attempts') {
    await recordAudit(db, { tenantId, actor: { kind: 'patient', id: challenge.subjectId }, action: 'auth.code_failed', outcome: 'failure', ip: client.ip, userAgent: client.userAgent, details: { area: 'portal' } });
    const lockedFor = lockKey ? await recordSignInFailure(db, lockKey) : 0;
    if (lockedFor > 0) {
      await recordAudit(db, { tenantId, actor: { kind: 'patient', id: challenge.subjectId }, action: 'auth.locked', outcome: 'denied', ip: client.ip, userAgent: client.userAgent, details: { area: 'portal' } });
      return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    }
  }
  if (result.reason === 'wrong-code') return { ok: false, error: 'wrong-code', attemptsLeft: result.attemptsLeft };
  return { ok: false, error: result.reason };
}
