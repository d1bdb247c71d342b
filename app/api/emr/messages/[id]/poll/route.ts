import { z } from 'zod';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { now } from '@/lib/clock';
import { pollStaffThread } from '@/lib/conversations';
import { messagingZone, toThreadItem, type ThreadPollResponse } from '@/lib/conversations/staff-display';
import { jsonError, resolveStaffCaller } from '@/lib/documents/route-auth';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const querySchema = z.object({ id: z.uuid(), after: z.iso.datetime({ offset: true }).nullable() });

/**
 * The thread page's poller. Every call re-checks the staff session, the clinic from the host and
 * messages.view (in the lib), so an ended session or a changed access level stops it at once.
 * It does not extend the session: only pages and actions count as activity.
 * Never cached: the answer is patient information.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  // A background call: it must not count as activity, or an open thread would hold off the idle sign-out.
  const caller = await resolveStaffCaller(request, { activity: false });
  if (!caller.ok) return caller.response;
  const parsed = querySchema.safeParse({ id: (await params).id, after: new URL(request.url).searchParams.get('after') });
  if (!parsed.success) return jsonError(400, 'bad_request');
  const { ctx } = caller;
  const asOf = now().toISOString();
  try {
    const [poll, profile] = await Promise.all([pollStaffThread(getDb(), ctx, parsed.data.id, parsed.data.after), getTenantProfile(ctx.tenant.id)]);
    const zone = messagingZone(profile ?? { locations: [] });
    const body: ThreadPollResponse = { status: poll.status, asOf, messages: poll.messages.map((m) => toThreadItem(m, zone)) };
    return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    if (error instanceof NotFoundError) return jsonError(404, 'not_found');
    if (error instanceof ForbiddenError) return jsonError(403, 'forbidden');
    throw error;
  }
}
