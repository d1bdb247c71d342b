import 'server-only';
import type { OperatorContext } from '@/lib/access/context';
import { eq } from 'drizzle-orm';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import { cache } from 'react';
import { getDb } from '@/db/client';
import { platformOperators } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { getClientInfo } from '@/lib/http/client-info';
import { createAuthInstance } from './auth-instances';
import { readSessionId } from './session-token';
import { clearChallengeCookie, readChallengeCookie } from './challenge-cookie';
import { checkOperatorSession, completeOperatorChallenge, createOperatorSession, revokeOperatorSession, touchOperatorSession } from './operator-store';

/** Operators get a 30-minute idle limit: their console can suspend whole clinics. */
const OPERATOR_IDLE_SECONDS = 30 * 60;

export const operatorAuth = createAuthInstance('operator', async (challengeId) => {
  if ((await readChallengeCookie()) !== challengeId) return null;
  const db = getDb();
  const challenge = await completeOperatorChallenge(db, challengeId);
  if (!challenge) return null;
  const client = await getClientInfo();
  const session = await createOperatorSession(db, { operatorId: challenge.operatorId, idleTimeoutSeconds: OPERATOR_IDLE_SECONDS, ...client });
  await recordAudit(db, { tenantId: null, actor: { kind: 'operator', id: challenge.operatorId }, action: 'auth.sign_in', ...client, details: { area: 'console' } });
  await clearChallengeCookie();
  return { id: challenge.operatorId, sid: session.id };
});


export const getOperatorSession = cache(async (): Promise<OperatorContext | null> => {
  const sid = await readSessionId('operator');
  if (!sid) return null;
  const db = getDb();
  const check = await checkOperatorSession(db, sid);
  if (!check.ok) return null;
  const [operator] = await db
    .select({ id: platformOperators.id, fullName: platformOperators.fullName, email: platformOperators.email, active: platformOperators.active })
    .from(platformOperators)
    .where(eq(platformOperators.id, check.session.operatorId));
  if (!operator?.active) {
    await revokeOperatorSession(db, check.session.id, 'account-unavailable');
    return null;
  }
  await touchOperatorSession(db, check.session);
  const client = await getClientInfo();
  return { actor: { kind: 'operator', id: operator.id, fullName: operator.fullName, email: operator.email }, sessionId: check.session.id, ...client };
});

/** Every console page and action. The console lives on the root host only (middleware + this). */
export async function requireOperator(): Promise<OperatorContext> {
  if ((await resolveTenantByHost((await headers()).get('host'))).kind !== 'root') notFound();
  const operator = await getOperatorSession();
  if (!operator) redirect('/console/sign-in');
  return operator;
}

export async function signOutOperator(): Promise<void> {
  const operator = await getOperatorSession();
  if (operator) {
    await revokeOperatorSession(getDb(), operator.sessionId, 'signed-out');
    await recordAudit(getDb(), { tenantId: null, actor: { kind: 'operator', id: operator.actor.id }, action: 'auth.sign_out', ip: operator.ip, userAgent: operator.userAgent });
  }
  await operatorAuth.signOut({ redirect: false });
}
