import 'server-only';
import { canUseArea, type PortalContext, type StaffContext } from '@/lib/access/context';
import { hasPortalArea } from '@/lib/access/linked-patients';
import { getPortalSession, peekPortalSession } from '@/lib/auth/portal-session';
import { getStaffSession, peekStaffSession } from '@/lib/auth/staff-session';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import type { DownloadRequester } from './authorize-download';

/**
 * For the document route handlers under /api (middleware does not rewrite them): the clinic from
 * the Host header, then the staff session, else the portal session. Answers a ready JSON
 * response when there is nobody to act for.
 */
export type RouteCaller =
  | { ok: true; requester: DownloadRequester }
  | { ok: false; response: Response };

export function jsonError(status: number, error: string, message?: string): Response {
  return Response.json({ error, ...(message ? { message } : {}) }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/**
 * A staff member of the clinic on this host, allowed in the EMR. `activity: false` for a
 * background poll: it checks the session like any call but does not extend it, so an open tab
 * cannot hold off the clinic's idle sign-out.
 */
export async function resolveStaffCaller(request: Request, { activity = true }: { activity?: boolean } = {}): Promise<{ ok: true; ctx: StaffContext } | { ok: false; response: Response }> {
  const resolution = await resolveTenantByHost(request.headers.get('host'));
  if (resolution.kind !== 'tenant' || resolution.tenant.status !== 'active') return { ok: false, response: jsonError(404, 'not_found') };
  const staff = activity ? await getStaffSession() : await peekStaffSession(resolution.tenant);
  if (staff.status !== 'signed-in') return { ok: false, response: jsonError(401, 'unauthorized') };
  if (staff.context.tenant.id !== resolution.tenant.id) return { ok: false, response: jsonError(404, 'not_found') };
  if (!canUseArea(staff.context.actor.permissions, 'emr')) return { ok: false, response: jsonError(403, 'forbidden') };
  return { ok: true, ctx: staff.context };
}

/**
 * For the portal's background routes (a thread poll, the Messages badge): the account signed in
 * on this host and the patient selected in its session, checked like a page but not counted as
 * activity, so an open tab cannot hold off the idle sign-out. No selected patient (switched in
 * another tab, access withdrawn), or a link that does not open `area` (a proxy's scope), answers
 * not-found.
 */
export async function resolvePortalPoller(request: Request, area: PortalArea): Promise<{ ok: true; ctx: PortalContext } | { ok: false; response: Response }> {
  const resolution = await resolveTenantByHost(request.headers.get('host'));
  if (resolution.kind !== 'tenant' || resolution.tenant.status !== 'active') return { ok: false, response: jsonError(404, 'not_found') };
  const state = await peekPortalSession(resolution.tenant);
  if (state.status !== 'signed-in') return { ok: false, response: jsonError(401, 'unauthorized') };
  const { patient } = state.context;
  if (!patient || !hasPortalArea(patient, area)) return { ok: false, response: jsonError(404, 'not_found') };
  return { ok: true, ctx: { ...state.context, patient } };
}

export async function resolveDownloadCaller(request: Request): Promise<RouteCaller> {
  const resolution = await resolveTenantByHost(request.headers.get('host'));
  if (resolution.kind !== 'tenant' || resolution.tenant.status !== 'active') return { ok: false, response: jsonError(404, 'not_found') };
  const tenant = resolution.tenant;
  const staff = await getStaffSession();
  if (staff.status === 'signed-in') {
    if (staff.context.tenant.id !== tenant.id) return { ok: false, response: jsonError(404, 'not_found') };
    if (!canUseArea(staff.context.actor.permissions, 'emr')) return { ok: false, response: jsonError(403, 'forbidden') };
    return { ok: true, requester: { kind: 'staff', ctx: staff.context } };
  }
  const portal = await getPortalSession();
  if (portal.status !== 'signed-in') return { ok: false, response: jsonError(401, 'unauthorized') };
  if (portal.context.tenant.id !== tenant.id || !portal.context.patient) return { ok: false, response: jsonError(404, 'not_found') };
  return { ok: true, requester: { kind: 'portal', ctx: { ...portal.context, patient: portal.context.patient } } };
}
