import 'server-only';
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb, type Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { accessLevels, authSessions, staffUsers } from '@/db/schema';
import { canUseArea, type StaffContext } from '@/lib/access/context';
import { isPermission, type Permission } from '@/lib/access/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { getClientInfo } from '@/lib/http/client-info';
import { getRequestPath } from '@/lib/http/request-path';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { getRequestTenant, getTenantProfile, requireActiveTenant } from '@/lib/tenancy/request-tenant';
import { createAuthInstance } from './auth-instances';
import { readSessionId } from './session-token';
import { clearChallengeCookie, readChallengeCookie } from './challenge-cookie';
import { completeVerifiedChallenge } from './challenges';
import { AUTH_POLICY } from './policy';
import { checkSession, createSession, isSessionId, revokeSession, settleSession, touchSession } from './session-store';

export const staffAuth = createAuthInstance('staff', async (challengeId) => {
  const tenant = await requireActiveTenant();
  if ((await readChallengeCookie()) !== challengeId) return null;
  const db = getDb();
  const challenge = await completeVerifiedChallenge(db, challengeId, { tenantId: tenant.id, purposes: ['staff_sign_in'] });
  if (!challenge) return null;
  const profile = await getTenantProfile(tenant.id);
  const client = await getClientInfo();
  const session = await createSession(db, {
    tenantId: tenant.id,
    kind: 'staff',
    subjectId: challenge.subjectId,
    idleTimeoutSeconds: (await testIdleSeconds(db, tenant.id, challenge.subjectId))
      ?? AUTH_POLICY.staffIdleOverrideSeconds ?? (profile?.staffIdleTimeoutMinutes ?? 30) * 60,
    ...client,
  });
  await recordAudit(db, { tenantId: tenant.id, actor: { kind: 'staff', id: challenge.subjectId }, action: 'auth.sign_in', ...client, details: { area: 'staff' } });
  await clearChallengeCookie();
  return { id: challenge.subjectId, sid: session.id };
});

/** A test server's shortened idle limit for this account (AUTH_POLICY.staffIdleTestAccounts), else null. */
async function testIdleSeconds(db: Executor, tenantId: string, staffId: string): Promise<number | null> {
  if (AUTH_POLICY.staffIdleTestAccounts.size === 0) return null;
  const [row] = await db.select({ email: staffUsers.email }).from(staffUsers).where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.id, staffId)));
  return (row && AUTH_POLICY.staffIdleTestAccounts.get(row.email.toLowerCase())) ?? null;
}

export type StaffSessionState =
  | { status: 'signed-in'; context: StaffContext }
  | { status: 'signed-out' | 'idle' | 'expired' };

/** The session row and the staff member with their level, in one round trip. */
const staffSessionQuery = preparedQuery((db) => db
  .select({
    session: getTableColumns(authSessions),
    staff: { id: staffUsers.id, fullName: staffUsers.fullName, email: staffUsers.email, status: staffUsers.status },
    level: { id: accessLevels.id, name: accessLevels.name, permissions: accessLevels.permissions },
  })
  .from(authSessions)
  .leftJoin(staffUsers, and(eq(staffUsers.tenantId, authSessions.tenantId), eq(staffUsers.id, authSessions.subjectId), eq(authSessions.kind, 'staff')))
  .leftJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
  .where(and(eq(authSessions.tenantId, sql.placeholder('tenantId')), eq(authSessions.id, sql.placeholder('sid'))))
  .prepare('staff_session'));

/**
 * The session and staff member behind the staff cookie, re-checked against the session row.
 * `touch` records activity (pages, actions, uploads); a background poll passes false so an open
 * tab cannot keep a session alive past the clinic's idle limit. Either way, a session found over
 * its limit or belonging to a deactivated account is ended here.
 */
async function loadStaffSession(tenant: TenantRef, touch: boolean): Promise<StaffSessionState> {
  const sid = await readSessionId('staff');
  if (!sid || !isSessionId(sid)) return { status: 'signed-out' };
  const db = getDb();
  const [loaded] = await staffSessionQuery(db).execute({ tenantId: tenant.id, sid });
  const check = await settleSession(db, loaded?.session, { kind: 'staff', tenantId: tenant.id });
  if (!check.ok) {
    if (check.reason === 'idle' || check.reason === 'expired') {
      // Whichever call finds the session over its limit ends it (settleSession), so it records why.
      await recordAudit(db, { tenantId: tenant.id, actor: { kind: 'system' }, action: 'auth.session_expired', details: { area: 'staff', reason: check.reason } });
      return { status: check.reason };
    }
    // Ended by another request that found it over its limit (recorded there): still "for inactivity".
    if (check.reason === 'revoked' && check.ended) return { status: check.ended };
    return { status: 'signed-out' };
  }
  const row = loaded?.staff;
  const level = loaded?.level;
  if (!row || !level || row.status !== 'active' || tenant.status !== 'active') {
    await revokeSession(db, check.session, 'account-unavailable');
    return { status: 'signed-out' };
  }
  if (touch) await touchSession(db, check.session);
  const client = await getClientInfo();
  return {
    status: 'signed-in',
    context: {
      tenant,
      sessionId: check.session.id,
      idleTimeoutSeconds: check.session.idleTimeoutSeconds,
      ...client,
      actor: {
        kind: 'staff',
        id: row.id,
        fullName: row.fullName,
        email: row.email,
        accessLevelId: level.id,
        accessLevelName: level.name,
        permissions: new Set(level.permissions.filter(isPermission)),
      },
    },
  };
}

/** The signed-in staff member for this request, with their access level's permissions; counts as activity. */
export const getStaffSession = cache(async (): Promise<StaffSessionState> => loadStaffSession(await getRequestTenant(), true));

/** The same checks for a route handler's background call (a poll), without recording activity. */
export function peekStaffSession(tenant: TenantRef): Promise<StaffSessionState> {
  return loadStaffSession(tenant, false);
}

/**
 * For every staff page, action and route: signed in to this clinic, allowed in this area, and
 * holding `permission` (with a list, any one of them). Otherwise the sign-in page, or a 403 that
 * shows no data.
 */
export async function requireStaff(area: 'crm' | 'emr', permission?: Permission | readonly Permission[]): Promise<StaffContext> {
  return admitStaff(await getStaffSession(), area, permission);
}

/** requireStaff for a question an open page asks in the background (seconds left): checked, not counted as activity. */
export async function peekStaff(area: 'crm' | 'emr', permission?: Permission | readonly Permission[]): Promise<StaffContext> {
  return admitStaff(await peekStaffSession(await getRequestTenant()), area, permission);
}

async function admitStaff(state: StaffSessionState, area: 'crm' | 'emr', permission?: Permission | readonly Permission[]): Promise<StaffContext> {
  if (state.status !== 'signed-in') {
    const next = encodeURIComponent(await getRequestPath());
    const reason = state.status === 'signed-out' ? '' : `&reason=${state.status}`;
    redirect(`/${area}/sign-in?next=${next}${reason}`);
  }
  const { context } = state;
  if (!canUseArea(context.actor.permissions, area)) forbidden();
  if (permission && !(typeof permission === 'string' ? [permission] : permission).some((p) => context.actor.permissions.has(p))) forbidden();
  return context;
}

/**
 * Seconds this session has left before the idle limit, by the server's clock and its own record
 * of activity (pages and actions on other tabs count). Does not count as activity itself.
 */
export async function staffIdleState(ctx: StaffContext): Promise<{ limitSeconds: number; secondsLeft: number }> {
  const check = await checkSession(getDb(), ctx.sessionId, { kind: 'staff', tenantId: ctx.tenant.id });
  if (!check.ok) return { limitSeconds: 0, secondsLeft: 0 };
  const { lastSeenAt, idleTimeoutSeconds } = check.session;
  return {
    limitSeconds: idleTimeoutSeconds,
    secondsLeft: Math.max(0, Math.floor((lastSeenAt.getTime() + idleTimeoutSeconds * 1000 - now().getTime()) / 1000)),
  };
}

/** Ends the staff session: 'signed-out' (the button) or 'idle' (the idle warning ran out). */
export async function signOutStaff(reason: 'signed-out' | 'idle' = 'signed-out'): Promise<void> {
  const state = await getStaffSession();
  if (state.status === 'signed-in') {
    const db = getDb();
    await revokeSession(db, { tenantId: state.context.tenant.id, id: state.context.sessionId }, reason);
    await recordAudit(db, {
      tenantId: state.context.tenant.id, actor: { kind: 'staff', id: state.context.actor.id }, action: 'auth.sign_out',
      ip: state.context.ip, userAgent: state.context.userAgent, details: reason === 'idle' ? { area: 'staff', reason } : { area: 'staff' },
    });
  }
  await staffAuth.signOut({ redirect: false });
}
