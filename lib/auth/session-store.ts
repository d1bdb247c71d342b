import 'server-only';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authSessions, type AuthSession, type ClinicSessionKind } from '@/db/schema';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { AUTH_POLICY } from './policy';

/**
 * Server-side session rows of a clinic's staff and patients, keyed by (clinic, id): the clinic
 * comes from the host, the id from the cookie (inside Auth.js's encrypted token). Every request
 * re-validates the row, so revocation is immediate. Operators' sessions: operator-store.ts.
 */

/** A session by its key. */
export type SessionRef = Pick<AuthSession, 'tenantId' | 'id'>;

function sessionKey(session: SessionRef) {
  return and(eq(authSessions.tenantId, session.tenantId), eq(authSessions.id, session.id))!;
}

export async function createSession(
  db: Executor,
  input: {
    tenantId: string;
    kind: ClinicSessionKind;
    subjectId: string;
    idleTimeoutSeconds: number;
    selectedPatientId?: string | null;
    ip?: string | null;
    userAgent?: string | null;
  },
): Promise<AuthSession> {
  const at = clockNow();
  const [row] = await db
    .insert(authSessions)
    .values({
      tenantId: input.tenantId,
      kind: input.kind,
      subjectId: input.subjectId,
      selectedPatientId: input.selectedPatientId ?? null,
      idleTimeoutSeconds: input.idleTimeoutSeconds,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: addSeconds(at, AUTH_POLICY.absoluteSessionSeconds),
      ip: input.ip ?? null,
      userAgent: input.userAgent ?? null,
    })
    .returning();
  return row!;
}

export type SessionCheck =
  | { ok: true; session: AuthSession }
  | { ok: false; reason: 'missing' | 'idle' | 'expired' | 'wrong-place' }
  /** Ended before this request; `ended` says why when it ran out (idle, expired) rather than being ended by someone. */
  | { ok: false; reason: 'revoked'; ended: 'idle' | 'expired' | null };

/** Whether a revoked session ran out (idle, expired) rather than being ended by someone: its revoke reason. */
export function ranOut(revokeReason: string | null): 'idle' | 'expired' | null {
  return revokeReason === 'idle' || revokeReason === 'expired' ? revokeReason : null;
}

/** A session id as the cookie carries it; anything else is not looked up at all. */
export function isSessionId(value: string): boolean {
  return /^[0-9a-f-]{36}$/i.test(value);
}

/**
 * Judges a loaded session row against the request: kind and clinic must match (a sunrise
 * session is worth nothing on harbor's host), not revoked, inside the idle and absolute limits.
 * An idle or expired session is revoked on the spot. Callers that load the row together with
 * its person (one round trip per request) use this directly.
 */
export async function settleSession(
  db: Executor,
  row: AuthSession | undefined,
  expected: { kind: ClinicSessionKind; tenantId: string },
): Promise<SessionCheck> {
  if (!row) return { ok: false, reason: 'missing' };
  if (row.kind !== expected.kind || row.tenantId !== expected.tenantId) return { ok: false, reason: 'wrong-place' };
  if (row.revokedAt) {
    // Another request may have found it over its limit a moment ago (the idle warning's sign-out
    // racing a badge's poll): this one can still say why it ended.
    return { ok: false, reason: 'revoked', ended: ranOut(row.revokeReason) };
  }
  const at = clockNow();
  if (at >= row.expiresAt) {
    await revokeSession(db, row, 'expired');
    return { ok: false, reason: 'expired' };
  }
  if (at.getTime() - row.lastSeenAt.getTime() >= row.idleTimeoutSeconds * 1000) {
    await revokeSession(db, row, 'idle');
    return { ok: false, reason: 'idle' };
  }
  return { ok: true, session: row };
}

/** Checks a session id against the request (see settleSession). */
export async function checkSession(
  db: Executor,
  sessionId: string,
  expected: { kind: ClinicSessionKind; tenantId: string },
): Promise<SessionCheck> {
  if (!isSessionId(sessionId)) return { ok: false, reason: 'missing' };
  const [row] = await db.select().from(authSessions).where(sessionKey({ tenantId: expected.tenantId, id: sessionId }));
  return settleSession(db, row, expected);
}

/** Records activity. Skipped when the last touch is recent, to spare a write per request. */
export async function touchSession(db: Executor, session: AuthSession, minIntervalSeconds = 15): Promise<void> {
  const at = clockNow();
  if (at.getTime() - session.lastSeenAt.getTime() < minIntervalSeconds * 1000) return;
  await db
    .update(authSessions)
    .set({ lastSeenAt: at })
    .where(and(sessionKey(session), isNull(authSessions.revokedAt)));
}

export async function revokeSession(db: Executor, session: SessionRef, reason: string): Promise<void> {
  await db
    .update(authSessions)
    .set({ revokedAt: clockNow(), revokeReason: reason })
    .where(and(sessionKey(session), isNull(authSessions.revokedAt)));
}

/** Ends every session of a person (deactivation, password change), optionally but one. */
export async function revokeSubjectSessions(
  db: Executor,
  subject: { kind: ClinicSessionKind; subjectId: string; tenantId: string },
  reason: string,
  exceptSessionId?: string,
): Promise<number> {
  const rows = await db
    .update(authSessions)
    .set({ revokedAt: clockNow(), revokeReason: reason })
    .where(and(
      eq(authSessions.kind, subject.kind),
      eq(authSessions.subjectId, subject.subjectId),
      eq(authSessions.tenantId, subject.tenantId),
      isNull(authSessions.revokedAt),
      exceptSessionId ? ne(authSessions.id, exceptSessionId) : sql`true`,
    ))
    .returning({ id: authSessions.id });
  return rows.length;
}

/** Ends every session in a clinic (the clinic was suspended). */
export async function revokeTenantSessions(db: Executor, tenantId: string, reason: string): Promise<number> {
  const rows = await db
    .update(authSessions)
    .set({ revokedAt: clockNow(), revokeReason: reason })
    .where(and(eq(authSessions.tenantId, tenantId), isNull(authSessions.revokedAt)))
    .returning({ id: authSessions.id });
  return rows.length;
}

export async function selectSessionPatient(db: Executor, session: SessionRef, patientId: string): Promise<void> {
  await db.update(authSessions).set({ selectedPatientId: patientId }).where(sessionKey(session));
}
