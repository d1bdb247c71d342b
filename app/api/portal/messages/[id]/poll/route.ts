import { z } from 'zod';
import { nextPollCursor, patientZone, toDisplayMessage, type PollResponse } from '@/lib/conversations/display-message';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { now } from '@/lib/clock';
import { errorSummary } from '@/lib/kernel/errors';
import { pollPortalThread } from '@/lib/conversations/portal';
import { resolvePortalPoller } from '@/lib/documents/route-auth';
import { formatters, toLocale, translator } from '@/lib/i18n/core';
import { inbox } from '@/lib/i18n/messages/inbox';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const NO_STORE = { 'Cache-Control': 'no-store' };
const json = (status: number, body: object) => Response.json(body, { status, headers: NO_STORE });

/**
 * The open thread asks here every few seconds for messages newer than `after`. Stateless: every
 * call re-checks the portal session and the patient selected in it. Unlike a page it does not
 * count as activity, or an open tab would keep the session alive past its idle limit. It cannot
 * redirect a fetch to sign-in either: it answers 401 and the page says the session ended.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const caller = await resolvePortalPoller(request, 'messages');
  if (!caller.ok) return caller.response;
  const { ctx } = caller;
  const { tenant, account, patient } = ctx;
  const db = getDb();

  const { id } = await params;
  const url = new URL(request.url);
  const after = url.searchParams.get('after');
  const conversationId = z.uuid().safeParse(id);
  const afterIso = z.iso.datetime({ offset: true }).safeParse(after);
  if (!conversationId.success) return json(404, { error: 'not_found' });
  if (after !== null && !afterIso.success) return json(400, { error: 'bad_request' });

  try {
    const afterValue = afterIso.success ? afterIso.data : null;
    const poll = await pollPortalThread(db, ctx, conversationId.data, afterValue);
    // Read after the query: whatever it saw happened before this instant.
    const serverNow = now();
    const profile = await getTenantProfile(tenant.id);
    const locale = toLocale(account.language);
    const display = {
      t: translator(inbox, locale),
      fmt: formatters(locale),
      locale,
      zone: patientZone(account.timeZone, profile?.locations ?? []),
      patientName: `${patient.firstName} ${patient.lastName}`,
      nowMs: serverNow.getTime(),
    };
    const body: PollResponse = {
      status: poll.status,
      messages: poll.messages.map((m) => toDisplayMessage(m, display)),
      cursor: nextPollCursor(afterValue, poll.messages, serverNow),
    };
    return json(200, body);
  } catch (error) {
    if (error instanceof NotFoundError) return json(404, { error: 'not_found' });
    console.error(`portal message poll failed (${errorSummary(error)})`);
    return json(500, { error: 'poll_failed' });
  }
}
