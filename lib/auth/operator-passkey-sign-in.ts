import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { platformOperators } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import type { ClientInfo } from '@/lib/http/client-info';
import { authenticationOptions, verifyAssertion, type PublicKeyCredentialRequestOptionsJSON } from '@/lib/identity/passkeys/ceremonies';
import type { RelyingParty } from '@/lib/identity/passkeys/relying-party';
import { clearSignInFailures, recordSignInFailure } from './lockout';
import type { OperatorTotpResult } from './operator-sign-in';
import { countOperatorAttempt, findOpenOperatorChallenge, markOperatorChallengeVerified } from './operator-store';

/**
 * A passkey made on the root host, in place of the operator's authenticator code after the
 * password. Counted like a code: one of the attempt's tries, a failure toward the lockout.
 */

async function openAttempt(db: Executor, challengeId: string | null) {
  const challenge = await findOpenOperatorChallenge(db, challengeId);
  if (!challenge) return null;
  const [operator] = await db.select({ id: platformOperators.id, active: platformOperators.active }).from(platformOperators).where(eq(platformOperators.id, challenge.operatorId));
  return operator?.active ? { challenge, operatorId: operator.id } : null;
}

export async function offerOperatorPasskey(db: Executor, challengeId: string | null, rp: RelyingParty | null): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const open = rp ? await openAttempt(db, challengeId) : null;
  if (!rp || !open) return null;
  return authenticationOptions(db, { kind: 'operator', id: open.operatorId }, rp, { contextId: open.challenge.id });
}

export type OperatorPasskeyResult = OperatorTotpResult | { ok: false; error: 'passkey-failed' };

export async function verifyOperatorPasskey(
  db: Executor,
  challengeId: string | null,
  response: string,
  client: ClientInfo,
  rp: RelyingParty | null,
): Promise<OperatorPasskeyResult> {
  const open = await openAttempt(db, challengeId);
  if (!open) return { ok: false, error: 'no-attempt' };
  const { challenge, operatorId } = open;
  if (!(await countOperatorAttempt(db, challenge.id))) return { ok: false, error: 'too-many-attempts' };
  const result = rp
    ? await verifyAssertion(db, { kind: 'operator', id: operatorId }, rp, { contextId: challenge.id, response }, client)
    : ({ ok: false, error: 'failed' } as const);
  if (!result.ok) {
    await recordAudit(db, { tenantId: null, actor: { kind: 'operator', id: operatorId }, action: 'auth.passkey_failed', outcome: 'failure', ...client, details: { area: 'console' } });
    const lockedFor = challenge.lockKey ? await recordSignInFailure(db, challenge.lockKey) : 0;
    return lockedFor > 0 ? { ok: false, error: 'locked', retryAfterSeconds: lockedFor } : { ok: false, error: 'passkey-failed' };
  }
  await markOperatorChallengeVerified(db, challenge.id);
  if (challenge.lockKey) await clearSignInFailures(db, challenge.lockKey);
  return { ok: true };
}
