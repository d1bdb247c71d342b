import 'server-only';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { operatorChallenges, operatorSessions, type OperatorChallenge, type OperatorSession } from '@/db/schema';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { AUTH_POLICY } from './policy';
import { isSessionId, ranOut, type SessionCheck } from './session-store';

/**
 * The operators' sign-in attempts and sessions: platform rows, kept apart from the clinics'
 * (auth_challenges, auth_sessions are keyed by clinic). Same rules as theirs: an attempt lives
 * 10 minutes and allows 5 guesses, and is used once; a session is re-checked on every request
 * against its idle and absolute limits, so a revocation is immediate.
 */

export async function createOperatorChallenge(
  db: Executor,
  input: { operatorId: string; lockKey: string; ip: string | null },
): Promise<OperatorChallenge> {
  const at = clockNow();
  const [row] = await db
    .insert(operatorChallenges)
    .values({ ...input, createdAt: at, expiresAt: addSeconds(at, AUTH_POLICY.challengeTtlSeconds) })
    .returning();
  return row!;
}

/** An attempt still open (not used, not expired), or null. */
export async function findOpenOperatorChallenge(db: Executor, challengeId: string | null | undefined): Promise<OperatorChallenge | null> {
  if (!challengeId || !isSessionId(challengeId)) return null;
  const [row] = await db.select().from(operatorChallenges).where(eq(operatorChallenges.id, challengeId));
  if (!row || row.completedAt || row.expiresAt <= clockNow()) return null;
  return row;
}

/** One more authenticator guess; false once the 5 are used (a single UPDATE, so a burst gets no more). */
export async function countOperatorAttempt(db: Executor, challengeId: string): Promise<boolean> {
  const [attempt] = await db
    .update(operatorChallenges)
    .set({ codeAttempts: sql`${operatorChallenges.codeAttempts} + 1` })
    .where(and(eq(operatorChallenges.id, challengeId), sql`${operatorChallenges.codeAttempts} < ${AUTH_POLICY.codeMaxAttempts}`))
    .returning({ id: operatorChallenges.id });
  return Boolean(attempt);
}

export async function markOperatorChallengeVerified(db: Executor, challengeId: string): Promise<void> {
  await db.update(operatorChallenges).set({ verifiedAt: clockNow() }).where(eq(operatorChallenges.id, challengeId));
}

/** Marks a verified attempt used. Exactly one caller wins, so a code signs in once. */
export async function completeOperatorChallenge(db: Executor, challengeId: string): Promise<OperatorChallenge | null> {
  if (!isSessionId(challengeId)) return null;
  const at = clockNow();
  const [row] = await db
    .update(operatorChallenges)
    .set({ completedAt: at })
    .where(and(
      eq(operatorChallenges.id, challengeId),
      isNull(operatorChallenges.completedAt),
      sql`${operatorChallenges.verifiedAt} is not null`,
      gt(operatorChallenges.expiresAt, at),
    ))
    .returning();
  return row ?? null;
}

export async function createOperatorSession(
  db: Executor,
  input: { operatorId: string; idleTimeoutSeconds: number; ip: string | null; userAgent: string | null },
): Promise<OperatorSession> {
  const at = clockNow();
  const [row] = await db
    .insert(operatorSessions)
    .values({ ...input, createdAt: at, lastSeenAt: at, expiresAt: addSeconds(at, AUTH_POLICY.absoluteSessionSeconds) })
    .returning();
  return row!;
}

export type OperatorSessionCheck = { ok: true; session: OperatorSession } | Exclude<SessionCheck, { ok: true }>;

/** The session behind the operator cookie; one found over a limit is ended on the spot. */
export async function checkOperatorSession(db: Executor, sessionId: string): Promise<OperatorSessionCheck> {
  if (!isSessionId(sessionId)) return { ok: false, reason: 'missing' };
  const [row] = await db.select().from(operatorSessions).where(eq(operatorSessions.id, sessionId));
  if (!row) return { ok: false, reason: 'missing' };
  if (row.revokedAt) return { ok: false, reason: 'revoked', ended: ranOut(row.revokeReason) };
  const at = clockNow();
  if (at >= row.expiresAt) {
    await revokeOperatorSession(db, row.id, 'expired');
    return { ok: false, reason: 'expired' };
  }
  if (at.getTime() - row.lastSeenAt.getTime() >= row.idleTimeoutSeconds * 1000) {
    await revokeOperatorSession(db, row.id, 'idle');
    return { ok: false, reason: 'idle' };
  }
  return { ok: true, session: row };
}

/** Records activity, at most once every 15 s. */
export async function touchOperatorSession(db: Executor, session: OperatorSession): Promise<void> {
  const at = clockNow();
  if (at.getTime() - session.lastSeenAt.getTime() < 15_000) return;
  await db.update(operatorSessions).set({ lastSeenAt: at }).where(and(eq(operatorSessions.id, session.id), isNull(operatorSessions.revokedAt)));
}

export async function revokeOperatorSession(db: Executor, sessionId: string, reason: string): Promise<void> {
  await db
    .update(operatorSessions)
    .set({ revokedAt: clockNow(), revokeReason: reason })
    .where(and(eq(operatorSessions.id, sessionId), isNull(operatorSessions.revokedAt)));
}
