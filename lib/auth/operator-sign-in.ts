import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { platformOperators } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { decryptField } from '@/lib/crypto/field-encryption';
import { verifyPasswordOrDummy } from '@/lib/identity/password-hash';
import { verifyTotp } from '@/lib/identity/totp';
import { claimSignInAttempt, clearSignInFailures, lockIfLastAttempt, lockoutKey, recordSignInFailure, releaseSignInAttempt } from './lockout';
import { countOperatorAttempt, createOperatorChallenge, findOpenOperatorChallenge, markOperatorChallengeVerified } from './operator-store';
import type { ClientInfo } from './portal-sign-in';

/**
 * Platform operators sign in on the root host with email, password and an authenticator code.
 * Operators are created by whoever runs the deployment (`npm run platform:create-operator`), who
 * hands them a single-use enrolment link for the password and TOTP (lib/platform/operator-enrolment.ts);
 * there is no self-service sign-up for the most powerful accounts.
 */

export type OperatorStart =
  | { ok: true; challengeId: string }
  | { ok: false; error: 'invalid-credentials' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

export async function startOperatorSignIn(db: Executor, input: { email: string; password: string }, client: ClientInfo): Promise<OperatorStart> {
  const email = input.email.trim().toLowerCase();
  const lockKey = lockoutKey('operator', null, email);
  const claim = await claimSignInAttempt(db, lockKey);
  if (claim.lockedFor > 0) return { ok: false, error: 'locked', retryAfterSeconds: claim.lockedFor };
  const [operator] = await db.select().from(platformOperators).where(eq(platformOperators.email, email));
  const passwordOk = await verifyPasswordOrDummy(operator?.passwordHash, input.password);
  if (!operator || !passwordOk || !operator.active || !operator.totpSecretEnc) {
    const lockedFor = await lockIfLastAttempt(db, lockKey, claim.count);
    await recordAudit(db, {
      tenantId: null, actor: { kind: operator ? 'operator' : 'anonymous', id: operator?.id ?? null, label: email },
      action: 'auth.sign_in_failed', outcome: 'failure', ...client, details: { area: 'console' },
    });
    return lockedFor > 0 ? { ok: false, error: 'locked', retryAfterSeconds: lockedFor } : { ok: false, error: 'invalid-credentials' };
  }
  await releaseSignInAttempt(db, lockKey);
  const challenge = await createOperatorChallenge(db, { operatorId: operator.id, lockKey, ip: client.ip });
  return { ok: true, challengeId: challenge.id };
}

export type OperatorTotpResult =
  | { ok: true }
  | { ok: false; error: 'no-attempt' | 'wrong-totp' | 'too-many-attempts' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

export async function verifyOperatorTotp(db: Executor, challengeId: string | null, token: string, client: ClientInfo): Promise<OperatorTotpResult> {
  const challenge = await findOpenOperatorChallenge(db, challengeId);
  if (!challenge) return { ok: false, error: 'no-attempt' };
  const [operator] = await db.select().from(platformOperators).where(eq(platformOperators.id, challenge.operatorId));
  if (!operator?.active || !operator.totpSecretEnc) return { ok: false, error: 'no-attempt' };
  if (!(await countOperatorAttempt(db, challenge.id))) return { ok: false, error: 'too-many-attempts' };
  const { lockKey } = challenge;
  const result = verifyTotp(decryptField(operator.totpSecretEnc), token, { lastUsedStep: operator.totpLastStep });
  const updated = result.ok
    ? await db
        .update(platformOperators)
        .set({ totpLastStep: result.step })
        .where(and(eq(platformOperators.id, operator.id), sql`(${platformOperators.totpLastStep} is null or ${platformOperators.totpLastStep} < ${result.step})`))
        .returning({ id: platformOperators.id })
    : [];
  if (updated.length === 0) {
    await recordAudit(db, { tenantId: null, actor: { kind: 'operator', id: operator.id }, action: 'auth.code_failed', outcome: 'failure', ...client, details: { area: 'console' } });
    const lockedFor = lockKey ? await recordSignInFailure(db, lockKey) : 0;
    return lockedFor > 0 ? { ok: false, error: 'locked', retryAfterSeconds: lockedFor } : { ok: false, error: 'wrong-totp' };
  }
  await markOperatorChallengeVerified(db, challenge.id);
  if (lockKey) await clearSignInFailures(db, lockKey);
  return { ok: true };
}
