import { getDb } from '@/db/client';
import { peekPortalSession } from '@/lib/auth/portal-session';
import { portalUnreadCount } from '@/lib/conversations/portal';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * The portal's Messages badge asks here every so often and after each navigation: unread
 * messages for the patient selected in this session. Only a number; not counted as activity.
 */
export async function GET(request: Request): Promise<Response> {
  const resolution = await resolveTenantByHost(request.headers.get('host'));
  if (resolution.kind !== 'tenant' || resolution.tenant.status !== 'active') return Response.json({ error: 'not_found' }, { status: 404, headers: NO_STORE });
  const state = await peekPortalSession(resolution.tenant);
  if (state.status !== 'signed-in') return Response.json({ error: 'unauthorized' }, { status: 401, headers: NO_STORE });
  const { tenant, account, patient } = state.context;
  if (!patient) return Response.json({ error: 'not_found' }, { status: 404, headers: NO_STORE });
  const count = await portalUnreadCount(getDb(), { kind: 'patient', tenantId: tenant.id, accountId: account.id, patientId: patient.id });
  return Response.json({ count }, { headers: NO_STORE });
}
