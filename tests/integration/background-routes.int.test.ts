import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, authSessions, portalAccounts, staffUsers } from '@/db/schema';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { household, messagingClinic } from './conversations-fixtures';
import { hostFor, invokeAction, invokeRoute, signIn, type Outcome } from '../support/action-harness';

vi.mock('server-only', () => ({}));
vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { openStaffThread, startStaffConversation } = await import('@/lib/conversations/staff');
const { openPortalThread, replyAsPatient } = await import('@/lib/conversations/portal');
const { requireStaff } = await import('@/lib/auth/staff-session');
const { requirePortalAccount } = await import('@/lib/auth/portal-session');
const emrPoll = (await import('@/app/api/emr/messages/[id]/poll/route')).GET;
const portalPoll = (await import('@/app/api/portal/messages/[id]/poll/route')).GET;
const emrUnread = (await import('@/app/api/emr/messages/unread/route')).GET;
const portalUnread = (await import('@/app/api/portal/messages/unread/route')).GET;

/**
 * What open pages ask in the background: the thread polls (every few seconds) and the Messages
 * badges (after each navigation and every 30 s). They check the session like any call, but only
 * pages and actions are activity: a tab left open must still reach the idle sign-out.
 */

const T0 = new Date('2026-03-02T15:00:00.000Z');
const IDLE_SECONDS = 600;

afterEach(() => setClockForTests(undefined));

function at(seconds: number) {
  setClockForTests(() => addSeconds(T0, seconds));
}

async function sessionRow(id: string) {
  const [row] = await getDb().select().from(authSessions).where(eq(authSessions.id, id));
  return row!;
}

async function world() {
  const { clinic, support } = await messagingClinic();
  const { maria, account, asMaria } = await household(clinic);
  at(0);
  const started = await startStaffConversation(getDb(), support, { patientId: maria.id, subject: 'Your results', body: 'Please call us.' });
  if (!started.ok) throw new Error(started.message);
  const staff = await signIn('staff', { tenantId: clinic.id, subjectId: support.actor.id });
  const portal = await signIn('portal', { tenantId: clinic.id, subjectId: account.id, selectedPatientId: maria.id });
  for (const { sessionId } of [staff, portal]) {
    await getDb().update(authSessions).set({ idleTimeoutSeconds: IDLE_SECONDS, lastSeenAt: T0 }).where(eq(authSessions.id, sessionId));
  }
  const host = hostFor(clinic.slug);
  const id = started.conversationId;
  return {
    clinic, support, asMaria, conversationId: id, staff, portal,
    unreadEmr: () => invokeRoute({ host, cookies: staff.cookies }, emrUnread, { path: '/api/emr/messages/unread' }),
    unreadPortal: () => invokeRoute({ host, cookies: portal.cookies }, portalUnread, { path: '/api/portal/messages/unread' }),
    pollEmr: () => invokeRoute({ host, cookies: staff.cookies }, emrPoll, { path: `/api/emr/messages/${id}/poll`, params: { id } }),
    pollPortal: () => invokeRoute({ host, cookies: portal.cookies }, portalPoll, { path: `/api/portal/messages/${id}/poll`, params: { id } }),
    emrPage: () => invokeAction({ host, cookies: staff.cookies, path: `/emr/messages/${id}` }, () => requireStaff('emr', 'messages.view')),
    portalPage: () => invokeAction({ host, cookies: portal.cookies, path: `/portal/messages/${id}` }, () => requirePortalAccount()),
  };
}

const status = (outcome: Outcome) => (outcome.kind === 'response' ? outcome.status : outcome.kind);
const body = (outcome: Outcome) => (outcome.kind === 'response' ? JSON.parse(outcome.body) as unknown : outcome);

describe('the Messages badges', () => {
  it("answer each caller's own unread count, which falls once the thread is read, without extending the session", async () => {
    const w = await world();
    at(30);
    expect(body(await w.unreadPortal())).toEqual({ count: 1 });
    expect(body(await w.unreadEmr())).toEqual({ count: 0 });

    await openPortalThread(getDb(), w.asMaria, w.conversationId);
    expect(body(await w.unreadPortal())).toEqual({ count: 0 });
    const replied = await replyAsPatient(getDb(), w.asMaria, w.conversationId, { body: 'I will call tomorrow.' });
    expect(replied.ok).toBe(true);
    expect(body(await w.unreadEmr())).toEqual({ count: 1 });
    await openStaffThread(getDb(), w.support, w.conversationId);
    expect(body(await w.unreadEmr())).toEqual({ count: 0 });

    for (const { sessionId } of [w.staff, w.portal]) expect((await sessionRow(sessionId)).lastSeenAt).toEqual(T0);
    const cacheControl = (o: Outcome) => (o.kind === 'response' ? o.headers.get('cache-control') : null);
    expect(cacheControl(await w.unreadEmr())).toBe('no-store');
    expect(cacheControl(await w.unreadPortal())).toBe('no-store');
  });

  it('answer 401 once the session has ended', async () => {
    const w = await world();
    at(IDLE_SECONDS);
    expect(status(await w.unreadEmr())).toBe(401);
    expect(status(await w.unreadPortal())).toBe(401);
  });
});

describe('a background call for a deactivated account', () => {
  it('is refused and ends the session, as a page would', async () => {
    const w = await world();
    at(30);
    await getDb().update(staffUsers).set({ status: 'deactivated' }).where(eq(staffUsers.id, w.support.actor.id));
    await getDb().update(portalAccounts).set({ status: 'disabled' }).where(eq(portalAccounts.id, w.asMaria.account.id));
    expect(status(await w.pollEmr())).toBe(401);
    expect(status(await w.unreadPortal())).toBe(401);
    for (const { sessionId } of [w.staff, w.portal]) expect(await sessionRow(sessionId)).toMatchObject({ revokeReason: 'account-unavailable' });
  });
});

describe.each([
  { area: 'EMR', poll: 'pollEmr', page: 'emrPage', session: 'staff' },
  { area: 'portal', poll: 'pollPortal', page: 'portalPage', session: 'portal' },
] as const)('the $area thread poll', ({ poll, page, session }) => {
  it('answers while the session is live without extending it; a page does extend it', async () => {
    const w = await world();
    const { sessionId } = w[session];

    at(IDLE_SECONDS - 60);
    expect(status(await w[poll]())).toBe(200);
    expect((await sessionRow(sessionId)).lastSeenAt).toEqual(T0);

    // The positive control: the same session on a page counts as activity.
    expect((await w[page]()).kind).toBe('returned');
    expect((await sessionRow(sessionId)).lastSeenAt).toEqual(addSeconds(T0, IDLE_SECONDS - 60));
  });

  it('lets an open tab reach the idle sign-out: polls every 5 s keep nothing alive, and the end is audited', async () => {
    const w = await world();
    const { sessionId } = w[session];

    for (let s = 5; s < IDLE_SECONDS; s += 5) {
      at(s);
      expect(status(await w[poll]())).toBe(200);
    }
    at(IDLE_SECONDS);
    expect(status(await w[poll]())).toBe(401);
    expect(await sessionRow(sessionId)).toMatchObject({ revokeReason: 'idle' });
    const expired = await getDb().select({ details: auditLog.details }).from(auditLog)
      .where(and(eq(auditLog.tenantId, w.clinic.id), eq(auditLog.action, 'auth.session_expired')));
    expect(expired.map((r) => r.details)).toEqual([expect.objectContaining({ reason: 'idle' })]);
    // Signed out for good: the page sends the staff member or patient to sign in.
    expect((await w[page]()).kind).toBe('redirect');
  });
});
