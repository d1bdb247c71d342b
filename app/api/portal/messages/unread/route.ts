import { getDb } from '@/db/client';
import { portalUnreadCount } from '@/lib/conversations/portal';
import { resolvePortalPoller } from '@/lib/documents/route-auth';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The portal's Messages badge asks here every so often and after each navigation: unread
 * messages for the patient selected in this session. Only a number; not counted as activity.
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await resolvePortalPoller(request, 'messages');
  if (!caller.ok) return caller.response;
  const count = await portalUnreadCount(getDb(), caller.ctx);
  return Response.json({ count }, { headers: { 'Cache-Control': 'no-store' } });
}
