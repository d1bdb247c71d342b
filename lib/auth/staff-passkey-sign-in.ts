import 'server-only';
import { and, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authChallenges } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import type { ClientInfo } from '@/lib/http/client-info';
import { authenticationOptions, verifyAssertion, type PublicKeyCredentialRequestOptionsJSON } from '@/lib/identity/passkeys/ceremonies';
import type { RelyingParty } from '@/lib/identity/passkeys/relying-party';
import { challengeKey, challengePayload, countCodeAttempt } from './challenges';
import { clearSignInFailures, recordSignInFailure } from './lockout';
import { openStaffChallenge, type SecondFactorResult } from './staff-sign-in';

/**
 * A passkey as the staff's second factor: after the password, a staff member with a passkey made
 * on this host may use it instead of the authenticator code. It counts like a code: one of the
 * attempt's 5 tries, a failure toward the lockout, and success leaves the attempt verified for
 * Auth.js to consume (lib/auth/staff-session.ts).
 */

/** Options for the attempt in the cookie, or null when the person has no passkey for this host. */
export async function offerStaffPasskey(
  db: Executor,
  tenantId: string,
  challengeId: string | null,
  rp: RelyingParty | null,
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  if (!rp) return null;
  const open = await openStaffChallenge(db, tenantId, challengeId);
  if (!open) return null;
  return authenticationOptions(db, { kind: 'staff', tenantId, id: open.user.id }, rp, { contextId: open.challenge.id });
}

export type StaffPasskeyResult = SecondFactorResult | { ok: false; error: 'passkey-failed' };

export async function verifyStaffPasskey(
  db: Executor,
  tenantId: string,
  challengeId: string | null,
  response: string,
  client: ClientInfo,
  rp: RelyingParty | null,
): Promise<StaffPasskeyResult> {
  const open = await openStaffChallenge(db, tenantId, challengeId);
  if (!open) return { ok: false, error: 'no-attempt' };
  const { challenge, user } = open;
  if (!(await countCodeAttempt(db, challenge))) return { ok: false, error: 'too-many-attempts' };
  const result = rp
    ? await verifyAssertion(db, { kind: 'staff', tenantId, id: user.id }, rp, { contextId: challenge.id, response }, client)
    : ({ ok: false, error: 'failed' } as const);
  if (!result.ok) {
    await recordAudit(db, { tenantId, actor: { kind: 'staff', id: user.id }, action: 'auth.passkey_failed', outcome: 'failure', ip: client.ip, userAgent: client.userAgent, details: { area: 'staff' } });
    const lockKey = challengePayload<{ lockKey: string }>(challenge).lockKey;
    const lockedFor = lockKey ? await recordSignInFailure(db, lockKey) : 0;
    if (lockedFor > 0) {
      await db.update(authChallenges).set({ completedAt: clockNow() }).where(challengeKey(challenge));
      return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    }
    return { ok: false, error: 'passkey-failed' };
  }
  const verified = await db
    .update(authChallenges)
    .set({ verifiedAt: clockNow() })
    .where(and(challengeKey(challenge), isNull(authChallenges.completedAt)))
    .returning({ id: authChallenges.id });
  if (verified.length === 0) return { ok: false, error: 'no-attempt' };
  const lockKey = challengePayload<{ lockKey: string }>(challenge).lockKey;
  if (lockKey) await clearSignInFailures(db, lockKey);
  return { ok: true };
}
