import 'server-only';
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { authSessions, portalAccounts } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { getClientInfo } from '@/lib/http/client-info';
import type { PortalAccountContext, PortalContext } from '@/lib/access/context';
import { hasPortalArea, linkedPatientsJson, queryLinkedPatients, rememberLinkedPatients, resolveLinkedPatients } from '@/lib/access/linked-patients';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { getRequestTenant, requireActiveTenant } from '@/lib/tenancy/request-tenant';
import { createAuthInstance } from './auth-instances';
import { readSessionId } from './session-token';
import { clearChallengeCookie, readChallengeCookie } from './challenge-cookie';
import { challengePayload, completeVerifiedChallenge } from './challenges';
import { AUTH_POLICY } from './policy';
import { checkSession, createSession, isSessionId, revokeSession, selectSessionPatient, settleSession, touchSession } from './session-store';

export const portalAuth = createAuthInstance('portal', async (challengeId) => {
  const tenant = await requireActiveTenant();
  if ((await readChallengeCookie()) !== challengeId) return null;
  const db = getDb();
  const challenge = await completeVerifiedChallenge(db, challengeId, { tenantId: tenant.id, purposes: ['portal_sign_in'] });
  if (!challenge) return null;
  // Fresh: an activation or invite in this same request may just have linked a patient.
  const linked = await queryLinkedPatients(db, tenant.id, challenge.subjectId);
  // Only links that open something today can be acted for (a link past its end, or ended by the age rules, cannot).
  const reachable = linked.filter((p) => p.areas.length > 0);
  const client = await getClientInfo();
  const session = await createSession(db, {
    tenantId: tenant.id,
    kind: 'portal',
    subjectId: challenge.subjectId,
    idleTimeoutSeconds: AUTH_POLICY.portalIdleSeconds,
    selectedPatientId: reachable.length === 1 ? reachable[0]!.id : null,
    ...client,
  });
  await recordAudit(db, {
    tenantId: tenant.id, actor: { kind: 'patient', id: challenge.subjectId }, action: 'auth.sign_in', ...client,
    // How the second step was passed: the SMS code unless a step recorded another way.
    details: { area: 'portal', method: challengePayload<{ method: string }>(challenge).method ?? 'sms' },
  });
  await clearChallengeCookie();
  return { id: challenge.subjectId, sid: session.id };
});

/** The session row, its account and the patients it may act for, in one round trip. */
const portalSessionQuery = preparedQuery((db) => db
  .select({
    session: getTableColumns(authSessions),
    account: {
      id: portalAccounts.id, fullName: portalAccounts.fullName, email: portalAccounts.email, phone: portalAccounts.phone,
      language: portalAccounts.language, timeZone: portalAccounts.timeZone, status: portalAccounts.status,
    },
    linked: linkedPatientsJson(authSessions.tenantId, authSessions.subjectId),
  })
  .from(authSessions)
  .leftJoin(portalAccounts, and(eq(portalAccounts.tenantId, authSessions.tenantId), eq(portalAccounts.id, authSessions.subjectId), eq(authSessions.kind, 'portal')))
  .where(and(eq(authSessions.tenantId, sql.placeholder('tenantId')), eq(authSessions.id, sql.placeholder('sid'))))
  .prepare('portal_session'));


export type PortalSessionState =
  | { status: 'signed-in'; context: PortalAccountContext }
  | { status: 'signed-out' | 'idle' | 'expired' };

/**
 * The session and account behind the portal cookie, re-checked against the session row.
 * `touch` records activity (pages and actions); a background poll passes false so an open tab
 * cannot keep a session alive past its idle limit. Either way, a session found over its limit or
 * belonging to a disabled account is ended here.
 */
async function loadPortalSession(tenant: TenantRef, touch: boolean): Promise<PortalSessionState> {
  const sid = await readSessionId('portal');
  if (!sid || !isSessionId(sid)) return { status: 'signed-out' };
  const db = getDb();
  const [loaded] = await portalSessionQuery(db).execute({ tenantId: tenant.id, sid });
  const check = await settleSession(db, loaded?.session, { kind: 'portal', tenantId: tenant.id });
  if (!check.ok) {
    // Whichever call finds the session over its limit ends it (settleSession), so it records why.
    if (check.reason === 'idle' || check.reason === 'expired') {
      await recordAudit(db, { tenantId: tenant.id, actor: { kind: 'system' }, action: 'auth.session_expired', details: { area: 'portal', reason: check.reason } });
    }
    if (check.reason === 'idle' || check.reason === 'expired') return { status: check.reason };
    // Ended by another request that found it over its limit (recorded there): still "for inactivity".
    return check.reason === 'revoked' && check.ended ? { status: check.ended } : { status: 'signed-out' };
  }
  const { session } = check;
  const account = loaded?.account;
  if (!account || account.status !== 'active' || tenant.status !== 'active') {
    await revokeSession(db, session, 'account-unavailable');
    return { status: 'signed-out' };
  }
  if (touch) await touchSession(db, session);
  const linked = resolveLinkedPatients(loaded.linked);
  rememberLinkedPatients(tenant.id, account.id, linked);
  // A link that opens nothing today (ended, not started, ended by the age rules) acts for nobody.
  const patient = linked.find((p) => p.id === session.selectedPatientId && p.areas.length > 0) ?? null;
  // As for staff: every audit entry written through this context names the caller's address.
  const client = await getClientInfo();
  return {
    status: 'signed-in',
    context: { tenant, sessionId: session.id, idleTimeoutSeconds: session.idleTimeoutSeconds, account, patients: linked, patient, ...client },
  };
}

/** The signed-in portal account for this request; counts as activity. */
export const getPortalSession = cache(async (): Promise<PortalSessionState> => loadPortalSession(await getRequestTenant(), true));

/** The same checks for a route handler's background call, without recording activity. */
export function peekPortalSession(tenant: TenantRef): Promise<PortalSessionState> {
  return loadPortalSession(tenant, false);
}

/**
 * Seconds this session has left before the idle limit, by the server's clock and its own record
 * of activity (actions and pages on other tabs count). Does not count as activity itself.
 */
export async function portalIdleSecondsLeft(): Promise<number> {
  const tenant = await getRequestTenant();
  const sid = await readSessionId('portal');
  if (!sid) return 0;
  const check = await checkSession(getDb(), sid, { kind: 'portal', tenantId: tenant.id });
  if (!check.ok) return 0;
  const { lastSeenAt, idleTimeoutSeconds } = check.session;
  return Math.max(0, Math.floor((lastSeenAt.getTime() + idleTimeoutSeconds * 1000 - now().getTime()) / 1000));
}

/** Any page or action that needs a signed-in account. Redirects to sign-in with the reason. */
export async function requirePortalAccount(): Promise<PortalAccountContext> {
  const state = await getPortalSession();
  if (state.status !== 'signed-in') redirect(state.status === 'signed-out' ? '/portal/sign-in' : `/portal/sign-in?reason=${state.status}`);
  return state.context;
}

/** requirePortalAccount for a question an open page asks in the background: checked, not counted as activity. */
export async function peekPortalAccount(): Promise<PortalAccountContext> {
  const state = await peekPortalSession(await getRequestTenant());
  if (state.status !== 'signed-in') redirect(state.status === 'signed-out' ? '/portal/sign-in' : `/portal/sign-in?reason=${state.status}`);
  return state.context;
}

/**
 * Pages and actions that act for a patient: a selected, linked patient is required, and with
 * `area` the link must open that part of the patient's portal today (a proxy's scope); otherwise
 * the portal's home, which shows only what the link opens. lib/ re-checks it (assertPortalArea).
 */
export async function requirePortalPatient(area?: PortalArea): Promise<PortalContext> {
  const context = await requirePortalAccount();
  if (!context.patient) redirect('/portal/select-patient');
  if (area && !hasPortalArea(context.patient, area)) redirect('/portal?unavailable=' + area);
  return context as PortalContext;
}

/** Switches the patient this session acts for; only a patient linked to the account. */
export async function choosePortalPatient(patientId: string): Promise<boolean> {
  const context = await requirePortalAccount();
  if (!context.patients.some((p) => p.id === patientId && p.areas.length > 0)) return false;
  await selectSessionPatient(getDb(), { tenantId: context.tenant.id, id: context.sessionId }, patientId);
  return true;
}

export async function signOutPortal(reason: 'signed-out' | 'idle' = 'signed-out'): Promise<void> {
  const state = await getPortalSession();
  if (state.status === 'signed-in') {
    const db = getDb();
    await revokeSession(db, { tenantId: state.context.tenant.id, id: state.context.sessionId }, reason);
    const client = await getClientInfo();
    await recordAudit(db, {
      tenantId: state.context.tenant.id, actor: { kind: 'patient', id: state.context.account.id }, action: 'auth.sign_out', ...client,
      details: { area: 'portal', reason },
    });
  }
  await portalAuth.signOut({ redirect: false });
}
