import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { authSessions } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { createSession } from '@/lib/auth/session-store';
import { staffIdleState } from '@/lib/auth/staff-session';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { hostFor, invokeAction, invokeRoute, signIn } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/** The staff idle warning's question to the server (lib/auth/staff-session.ts#staffIdleState). */

const T0 = new Date('2026-03-02T09:00:00Z');
let current = T0;

beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});
afterEach(() => setClockForTests(undefined));

async function staffSession(idleTimeoutSeconds: number) {
  const tenant = await createTestTenant();
  const session = await createSession(getDb(), { tenantId: tenant.id, kind: 'staff', subjectId: randomUUID(), idleTimeoutSeconds });
  // Only the session's key is read: the rest of the context does not matter here.
  return { session, ctx: { tenant: { id: tenant.id }, sessionId: session.id } as unknown as StaffContext };
}

describe('how long a staff session has left', () => {
  it('answers the session’s own limit and the seconds left, and asking is not activity', async () => {
    const { session, ctx } = await staffSession(600);
    current = addSeconds(T0, 100);
    expect(await staffIdleState(ctx)).toEqual({ limitSeconds: 600, secondsLeft: 500 });
    current = addSeconds(T0, 590);
    expect(await staffIdleState(ctx)).toEqual({ limitSeconds: 600, secondsLeft: 10 });
    const [row] = await getDb().select().from(authSessions).where(eq(authSessions.id, session.id));
    expect(row!.lastSeenAt.getTime()).toBe(T0.getTime());
  });

  it('answers nothing left for a session over its limit, which is ended as idle', async () => {
    const { session, ctx } = await staffSession(600);
    current = addSeconds(T0, 600);
    expect(await staffIdleState(ctx)).toEqual({ limitSeconds: 0, secondsLeft: 0 });
    const [row] = await getDb().select().from(authSessions).where(eq(authSessions.id, session.id));
    expect(row!.revokeReason).toBe('idle');
  });

  it('answers nothing for another clinic’s session id', async () => {
    const { session } = await staffSession(600);
    const other = await createTestTenant();
    expect(await staffIdleState({ tenant: { id: other.id }, sessionId: session.id } as unknown as StaffContext)).toEqual({ limitSeconds: 0, secondsLeft: 0 });
  });
});

describe('signed out for inactivity, whichever request finds it first', () => {
  it('the idle warning’s own sign-out says “inactivity” after a badge’s poll already ended the session', async () => {
    const tenant = await createTestTenant();
    const staff = await createStaffContext(tenant, 'admin');
    const { sessionId, cookies } = await signIn('staff', { tenantId: tenant.id, subjectId: staff.actor.id });
    const req = { host: hostFor(tenant.slug), path: '/emr/patients', cookies };
    // A one-minute limit, then past it: the Messages badge polls first and ends the session.
    await getDb().update(authSessions).set({ lastSeenAt: T0, idleTimeoutSeconds: 60 }).where(eq(authSessions.id, sessionId));
    current = addSeconds(T0, 65);
    const { GET: unread } = await import('@/app/api/emr/messages/unread/route');
    const poll = await invokeRoute(req, unread, { path: '/api/emr/messages/unread' });
    expect(poll.kind === 'response' ? poll.status : poll.kind).not.toBe(200);
    const [row] = await getDb().select().from(authSessions).where(eq(authSessions.id, sessionId));
    expect(row!.revokeReason).toBe('idle');
    // A moment later the warning's countdown ends and it signs out: the page says why.
    const { idleSignOutAction } = await import('@/app/t/[tenant]/emr/(app)/idle-actions');
    const out = await invokeAction(req, idleSignOutAction, { path: '/emr/patients' });
    expect(out).toMatchObject({ kind: 'redirect', location: expect.stringContaining('reason=idle') });
  });
});
