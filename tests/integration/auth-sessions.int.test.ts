import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { authSessions, platformOperators, type ClinicSessionKind } from '@/db/schema';
import { checkOperatorSession, createOperatorSession } from '@/lib/auth/operator-store';
import {
  checkSession,
  createSession,
  revokeSession,
  revokeSubjectSessions,
  revokeTenantSessions,
  touchSession,
} from '@/lib/auth/session-store';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { createTestTenant } from '../support/factories';

/** Server-side session rows: where, whether and for how long a session cookie is worth anything. */

const T0 = new Date('2026-03-02T09:00:00Z');
const IDLE = 30 * 60;

let current = T0;
const advance = (seconds: number) => {
  current = addSeconds(current, seconds);
};

beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});

afterEach(() => {
  setClockForTests(undefined);
});

function open(tenantId: string, options: { kind?: ClinicSessionKind; subjectId?: string; idleTimeoutSeconds?: number } = {}) {
  return createSession(getDb(), {
    tenantId,
    kind: options.kind ?? 'portal',
    subjectId: options.subjectId ?? randomUUID(),
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? IDLE,
  });
}

function check(sessionId: string, tenantId: string, kind: ClinicSessionKind = 'portal') {
  return checkSession(getDb(), sessionId, { kind, tenantId });
}

/** An operator's session: a platform row (operator_sessions), never one of a clinic's. */
async function openOperator() {
  const [operator] = await getDb()
    .insert(platformOperators)
    .values({ email: `op-${randomUUID()}@example.test`, fullName: 'Olive Operator', passwordHash: 'x' })
    .returning();
  return createOperatorSession(getDb(), { operatorId: operator!.id, idleTimeoutSeconds: IDLE, ip: null, userAgent: null });
}

async function row(sessionId: string) {
  const [r] = await getDb().select().from(authSessions).where(eq(authSessions.id, sessionId));
  return r!;
}

describe('checkSession', () => {
  it('accepts a live session of the right kind at the right clinic', async () => {
    const tenant = await createTestTenant();
    const session = await open(tenant.id);
    expect(session).toMatchObject({ createdAt: T0, lastSeenAt: T0, expiresAt: addSeconds(T0, 12 * 3600), revokedAt: null });
    expect(await check(session.id, tenant.id)).toEqual({ ok: true, session: await row(session.id) });
  });

  it("refuses a clinic A session on clinic B's host, and leaves it working at A", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const session = await open(a.id);
    // Looked up by (clinic, id): at B there is no such session.
    expect(await check(session.id, b.id)).toEqual({ ok: false, reason: 'missing' });
    expect(await check(session.id, a.id)).toMatchObject({ ok: true });
  });

  it('refuses a session of another kind: a portal session is not a staff session', async () => {
    const tenant = await createTestTenant();
    const portal = await open(tenant.id, { kind: 'portal' });
    const staff = await open(tenant.id, { kind: 'staff' });
    const operator = await openOperator();
    expect(await check(portal.id, tenant.id, 'staff')).toEqual({ ok: false, reason: 'wrong-place' });
    expect(await check(staff.id, tenant.id, 'portal')).toEqual({ ok: false, reason: 'wrong-place' });
    expect(await check(operator.id, tenant.id, 'staff')).toEqual({ ok: false, reason: 'missing' });
    expect(await checkOperatorSession(getDb(), operator.id)).toMatchObject({ ok: true });
    expect(await checkOperatorSession(getDb(), staff.id)).toEqual({ ok: false, reason: 'missing' });
  });

  it('calls an unknown or malformed id missing', async () => {
    const tenant = await createTestTenant();
    expect(await check(randomUUID(), tenant.id)).toEqual({ ok: false, reason: 'missing' });
    expect(await check('not-a-session-id', tenant.id)).toEqual({ ok: false, reason: 'missing' });
    expect(await check("' or 1=1 --", tenant.id)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a revoked session at once', async () => {
    const tenant = await createTestTenant();
    const session = await open(tenant.id);
    await revokeSession(getDb(), session, 'signed-out');
    expect(await check(session.id, tenant.id)).toEqual({ ok: false, reason: 'revoked', ended: null });
    expect(await row(session.id)).toMatchObject({ revokedAt: T0, revokeReason: 'signed-out' });
  });

  it('ends an idle session and revokes its row', async () => {
    const tenant = await createTestTenant();
    const session = await open(tenant.id);

    advance(IDLE - 1);
    expect(await check(session.id, tenant.id)).toMatchObject({ ok: true });
    advance(2);
    expect(await check(session.id, tenant.id)).toEqual({ ok: false, reason: 'idle' });
    expect(await row(session.id)).toMatchObject({ revokedAt: current, revokeReason: 'idle' });
    // Activity afterwards does not bring it back; a later request still learns it ran out (the
    // idle warning's own sign-out arriving after a badge's poll ended it), to say so.
    await touchSession(getDb(), await row(session.id));
    expect(await check(session.id, tenant.id)).toEqual({ ok: false, reason: 'revoked', ended: 'idle' });
  });

  it("uses each session's own idle limit", async () => {
    const tenant = await createTestTenant();
    const short = await open(tenant.id, { idleTimeoutSeconds: 5 * 60 });
    const long = await open(tenant.id, { idleTimeoutSeconds: 60 * 60 });
    advance(10 * 60);
    expect(await check(short.id, tenant.id)).toEqual({ ok: false, reason: 'idle' });
    expect(await check(long.id, tenant.id)).toMatchObject({ ok: true });
  });

  it('ends a session 12 hours after sign-in even when it was used every 30 minutes', async () => {
    const tenant = await createTestTenant();
    const session = await open(tenant.id, { idleTimeoutSeconds: 60 * 60 });

    for (let i = 0; i < 23; i++) {
      advance(30 * 60);
      const result = await check(session.id, tenant.id);
      expect(result, `after ${(i + 1) * 30} minutes`).toMatchObject({ ok: true });
      if (result.ok) await touchSession(getDb(), result.session);
    }
    expect((await row(session.id)).lastSeenAt).toEqual(addSeconds(T0, 23 * 30 * 60));

    advance(30 * 60 - 1); // 11:59:59
    expect(await check(session.id, tenant.id)).toMatchObject({ ok: true });
    advance(1); // 12:00:00
    expect(await check(session.id, tenant.id)).toEqual({ ok: false, reason: 'expired' });
    expect(await row(session.id)).toMatchObject({ revokedAt: current, revokeReason: 'expired' });
  });
});

describe('touchSession', () => {
  it('skips a touch within 15 seconds of the last one, and records the next', async () => {
    const tenant = await createTestTenant();
    const session = await open(tenant.id);

    advance(10);
    await touchSession(getDb(), await row(session.id));
    expect((await row(session.id)).lastSeenAt).toEqual(T0);

    advance(5);
    await touchSession(getDb(), await row(session.id));
    expect((await row(session.id)).lastSeenAt).toEqual(addSeconds(T0, 15));

    advance(30);
    await touchSession(getDb(), await row(session.id), 60);
    expect((await row(session.id)).lastSeenAt).toEqual(addSeconds(T0, 15));
  });

  it('keeps an active session alive past its idle limit', async () => {
    const tenant = await createTestTenant();
    const session = await open(tenant.id);
    advance(IDLE - 60);
    await touchSession(getDb(), await row(session.id));
    advance(IDLE - 60);
    expect(await check(session.id, tenant.id)).toMatchObject({ ok: true });
  });

  it('does not touch a revoked session', async () => {
    const tenant = await createTestTenant();
    const session = await open(tenant.id);
    const stale = await row(session.id);
    await revokeSession(getDb(), session, 'signed-out');
    advance(60);
    await touchSession(getDb(), stale);
    expect(await row(session.id)).toMatchObject({ lastSeenAt: T0, revokedAt: T0, revokeReason: 'signed-out' });
  });
});

describe('revoking sessions in bulk', () => {
  it("ends every session of a person except the current one, and nobody else's", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const subjectId = randomUUID();
    const [s1, s2, s3] = await Promise.all([open(a.id, { subjectId }), open(a.id, { subjectId }), open(a.id, { subjectId })]);
    const someoneElse = await open(a.id);
    const sameIdOtherKind = await open(a.id, { subjectId, kind: 'staff' });
    const sameIdOtherClinic = await open(b.id, { subjectId });
    const alreadyRevoked = await open(a.id, { subjectId });
    await revokeSession(getDb(), alreadyRevoked, 'signed-out');

    advance(5);
    const count = await revokeSubjectSessions(getDb(), { kind: 'portal', subjectId, tenantId: a.id }, 'password-changed', s2!.id);
    expect(count).toBe(2);
    for (const s of [s1!, s3!]) {
      expect(await check(s.id, a.id)).toEqual({ ok: false, reason: 'revoked', ended: null });
      expect(await row(s.id)).toMatchObject({ revokedAt: current, revokeReason: 'password-changed' });
    }
    expect(await check(s2!.id, a.id)).toMatchObject({ ok: true });
    expect(await check(someoneElse.id, a.id)).toMatchObject({ ok: true });
    expect(await check(sameIdOtherKind.id, a.id, 'staff')).toMatchObject({ ok: true });
    expect(await check(sameIdOtherClinic.id, b.id)).toMatchObject({ ok: true });
    // An earlier revocation keeps its own time and reason.
    expect(await row(alreadyRevoked.id)).toMatchObject({ revokedAt: T0, revokeReason: 'signed-out' });

    // Without an exception, the current one goes too.
    expect(await revokeSubjectSessions(getDb(), { kind: 'portal', subjectId, tenantId: a.id }, 'deactivated')).toBe(1);
    expect(await check(s2!.id, a.id)).toEqual({ ok: false, reason: 'revoked', ended: null });
  });

  it('ends every session of a clinic, staff and portal alike, and no other clinic’s', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const portal = await open(a.id, { kind: 'portal' });
    const staff = await open(a.id, { kind: 'staff' });
    const earlier = await open(a.id);
    await revokeSession(getDb(), earlier, 'signed-out');
    const elsewhere = await open(b.id);
    const operator = await openOperator();

    advance(5);
    expect(await revokeTenantSessions(getDb(), a.id, 'tenant-suspended')).toBe(2);
    expect(await check(portal.id, a.id)).toEqual({ ok: false, reason: 'revoked', ended: null });
    expect(await check(staff.id, a.id, 'staff')).toEqual({ ok: false, reason: 'revoked', ended: null });
    expect(await row(staff.id)).toMatchObject({ revokedAt: current, revokeReason: 'tenant-suspended' });
    expect(await row(earlier.id)).toMatchObject({ revokeReason: 'signed-out' });
    expect(await check(elsewhere.id, b.id)).toMatchObject({ ok: true });
    expect(await checkOperatorSession(getDb(), operator.id)).toMatchObject({ ok: true });
  });
});
