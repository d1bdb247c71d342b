import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authChallenges, portalAccounts, type AuthChallenge } from '@/db/schema';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { authenticationOptions, verifyAssertion, type PublicKeyCredentialRequestOptionsJSON } from '@/lib/identity/passkeys/ceremonies';
import type { RelyingParty } from '@/lib/identity/passkeys/relying-party';
import { getSmsSender } from '@/lib/messaging/providers';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { challengeKey, challengePayload, countCodeAttempt, findOpenChallenge, firstCodeRefusal, sendSignInCode } from './challenges';
import { maskPhone } from './identifiers';
import { clearSignInFailures, lockRemainingSeconds, recordSignInFailure } from './lockout';
import type { ClientInfo } from '@/lib/http/client-info';

/**
 * A passkey in place of the portal's SMS code (issue 19: the clinic's "SMS code or a passkey").
 * After the password, an account with a passkey made on this host is offered it first, and no
 * SMS is sent unless the patient asks for one ("Send me a code by SMS instead"). It is the same
 * step under the same rules: one of the attempt's 5 tries, a failure counted toward the
 * identifier's lockout, and success leaves the attempt verified for Auth.js to consume
 * (lib/auth/portal-session.ts), which records the method.
 */

async function openAttempt(db: Executor, tenantId: string, challengeId: string | null): Promise<AuthChallenge | null> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId, purposes: ['portal_sign_in'] });
  return challenge && !challenge.verifiedAt && challenge.subjectKind === 'portal_account' ? challenge : null;
}

/** Options for this attempt's account, or null: the clinic does not accept passkeys, or none was made on this host. */
export async function offerPortalPasskey(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  rp: RelyingParty | null,
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  if (!profile.portal.passkeysAllowed || !rp) return null;
  const challenge = await openAttempt(db, profile.id, challengeId);
  if (!challenge) return null;
  return authenticationOptions(db, { kind: 'portal_account', tenantId: profile.id, id: challenge.subjectId }, rp, { contextId: challenge.id });
}

export type PortalPasskeyOutcome =
  | { ok: true }
  | { ok: false; error: 'no-attempt' | 'too-many-attempts' | 'passkey-failed' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

export async function verifyPortalPasskey(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  response: string,
  client: ClientInfo,
  rp: RelyingParty | null,
): Promise<PortalPasskeyOutcome> {
  const tenantId = profile.id;
  const challenge = await openAttempt(db, tenantId, challengeId);
  if (!challenge) return { ok: false, error: 'no-attempt' };
  const accountId = challenge.subjectId;
  const payload = challengePayload<{ lockKey: string }>(challenge);
  const lockKey = String(payload.lockKey ?? '');
  // A lock that started after this attempt began still applies to it.
  const locked = lockKey ? await lockRemainingSeconds(db, lockKey) : 0;
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  if (!(await countCodeAttempt(db, challenge))) return { ok: false, error: 'too-many-attempts' };

  const audit = { tenantId, actor: { kind: 'patient' as const, id: accountId }, ip: client.ip, userAgent: client.userAgent };
  // A clinic that turned passkeys off meanwhile refuses them like a wrong one.
  const result = profile.portal.passkeysAllowed && rp
    ? await verifyAssertion(db, { kind: 'portal_account', tenantId, id: accountId }, rp, { contextId: challenge.id, response }, client)
    : ({ ok: false, error: 'failed' } as const);
  if (!result.ok) {
    await recordAudit(db, { ...audit, action: AuditActions.passkeyFailed, outcome: 'failure', details: { area: 'portal' } });
    const lockedFor = lockKey ? await recordSignInFailure(db, lockKey) : 0;
    if (lockedFor > 0) {
      await db.update(authChallenges).set({ completedAt: clockNow() }).where(challengeKey(challenge));
      await recordAudit(db, { ...audit, action: AuditActions.locked, outcome: 'denied', details: { area: 'portal' } });
      return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    }
    return { ok: false, error: 'passkey-failed' };
  }

  const verified = await db
    .update(authChallenges)
    .set({ verifiedAt: clockNow(), codeHash: null, payload: JSON.stringify({ ...payload, method: 'passkey' }) })
    .where(and(challengeKey(challenge), isNull(authChallenges.verifiedAt), isNull(authChallenges.completedAt)))
    .returning({ id: authChallenges.id });
  if (verified.length === 0) return { ok: false, error: 'no-attempt' };
  if (lockKey) await clearSignInFailures(db, lockKey);
  await db.update(portalAccounts).set({ lockedUntil: null }).where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, accountId)));
  return { ok: true };
}

export type CodeInsteadOutcome =
  | { ok: true; maskedPhone: string; resendAvailableAt: Date }
  | { ok: false; error: 'no-attempt' | 'sms-failed' }
  | { ok: false; error: 'too-many-codes'; retryAfterSeconds: number };

/** "Send me a code by SMS instead": the attempt's first code, and the usual code step after it. */
export async function sendPortalCodeInstead(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<CodeInsteadOutcome> {
  const challenge = await openAttempt(db, profile.id, challengeId);
  if (!challenge?.phone) return { ok: false, error: 'no-attempt' };
  const sent = await sendSignInCode(db, challenge, sms, profile.branding.displayName);
  if (!sent.ok) return firstCodeRefusal(sent);
  await recordAudit(db, { tenantId: profile.id, actor: { kind: 'patient', id: challenge.subjectId }, action: AuditActions.codeSent, ip: client.ip, userAgent: client.userAgent, details: { area: 'portal', afterPasskeyOffer: true } });
  return { ok: true, maskedPhone: maskPhone(challenge.phone), resendAvailableAt: sent.resendAvailableAt };
}
