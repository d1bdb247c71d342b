import 'server-only';
import type { Database } from '@/db/client';
import { ForbiddenError, NotFoundError, type PortalContext } from '@/lib/access/context';
import { getPortalSession } from '@/lib/auth/portal-session';
import { jsonError } from '@/lib/documents/route-auth';
import { serveStoredFile } from '@/lib/storage/serve-stored-file';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import { claimDataExportDownload, DataExportRuleError } from './requests';

/**
 * POST /api/portal/exports/{id}/download: the portal's "Download my export" button (a plain form,
 * so it works without JavaScript; POST, so nothing that merely follows a link can spend the one
 * download). The clinic comes from the Host header, the person and the patient from the portal
 * session; the lib checks the export area and that the export is this person's for this patient.
 * Anyone else gets a bare 401/403/404. The person's own export that cannot be downloaded sends
 * them back to My data, which says why in their language.
 */
export async function downloadDataExport(db: Database, request: Request, exportId: string): Promise<Response> {
  const resolution = await resolveTenantByHost(request.headers.get('host'));
  if (resolution.kind !== 'tenant' || resolution.tenant.status !== 'active') return jsonError(404, 'not_found');
  // The session cookie is SameSite=Lax, so another site's form arrives without it; refusing a
  // foreign Origin as well keeps that true whatever the cookie's attributes become.
  if (isForeignOrigin(request)) return jsonError(403, 'forbidden');
  const portal = await getPortalSession();
  if (portal.status !== 'signed-in') return jsonError(401, 'unauthorized');
  const { context } = portal;
  if (context.tenant.id !== resolution.tenant.id || !context.patient) return jsonError(404, 'not_found');
  const ctx: PortalContext = { ...context, patient: context.patient };
  let claimed;
  try {
    claimed = await claimDataExportDownload(db, ctx, exportId);
  } catch (error) {
    if (error instanceof NotFoundError) return jsonError(404, 'not_found');
    if (error instanceof ForbiddenError) return jsonError(403, 'forbidden');
    if (error instanceof DataExportRuleError) {
      return new Response(null, { status: 303, headers: { Location: `/portal/data?export=${error.refusal}#export`, 'Cache-Control': 'no-store' } });
    }
    throw error;
  }
  const day = claimed.readyAt.toISOString().slice(0, 10);
  return serveStoredFile({ storageKey: claimed.storageKey, filename: `health-record-export-${day}.zip`, contentType: 'application/zip', disposition: 'attachment' });
}

function isForeignOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return false;
  try {
    return new URL(origin).host !== request.headers.get('host');
  } catch {
    return true;
  }
}
