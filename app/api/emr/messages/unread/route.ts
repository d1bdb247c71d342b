import { getDb } from '@/db/client';
import { hasPermission } from '@/lib/access/context';
import { staffUnreadCount } from '@/lib/conversations';
import { jsonError, resolveStaffCaller } from '@/lib/documents/route-auth';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The EMR's Messages badge asks here every so often and after each navigation (layouts are not
 * re-rendered on client-side navigation, so the count drawn with the page goes stale). Only a
 * number, for the signed-in staff member, under their own access; not counted as activity.
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await resolveStaffCaller(request, { activity: false });
  if (!caller.ok) return caller.response;
  if (!hasPermission(caller.ctx, 'messages.view')) return jsonError(403, 'forbidden');
  const count = await staffUnreadCount(getDb(), caller.ctx);
  return Response.json({ count }, { headers: { 'Cache-Control': 'no-store' } });
}
