import { getDb } from '@/db/client';
import { recordEmailProviderEvent } from '@/lib/engagement/campaigns/email-provider-events';
import { readResendWebhook, type ResendWebhook } from '@/lib/engagement/campaigns/resend-webhook';
import { errorSummary } from '@/lib/kernel/errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };
// Resend's events are a few kilobytes; anything this large is not one.
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Resend's delivery webhooks (delivered, opened, clicked, bounced, complained) for every clinic's
 * email, on any host: the email's outbox row names the clinic, not the host. Off (404) unless
 * RESEND_WEBHOOK_SECRET is set. The Svix signature is checked on the raw body
 * (lib/engagement/campaigns/resend-webhook.ts); a bad or stale one answers 400 without saying
 * why. An event is recorded once by its id and applied in the same transaction
 * (email-provider-events.ts): a repeat answers 200 and changes nothing, and a database failure
 * answers 500 so Resend sends it again.
 */
export async function POST(request: Request): Promise<Response> {
  const secret = process.env.RESEND_WEBHOOK_SECRET?.trim();
  if (!secret) return Response.json({ error: 'not found' }, { status: 404, headers: NO_STORE });

  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return badRequest();
  const raw = await request.text();
  if (raw.length > MAX_BODY_BYTES) return badRequest();

  let webhook: ResendWebhook;
  try {
    webhook = readResendWebhook(raw, request.headers, secret);
  } catch (error) {
    // The secret itself is unusable: 503 so Resend keeps retrying while the deployment is fixed.
    console.error(`resend webhook: RESEND_WEBHOOK_SECRET is not a usable signing secret (${errorSummary(error)})`);
    return Response.json({ error: 'not configured' }, { status: 503, headers: NO_STORE });
  }
  if (!webhook.ok) return badRequest();
  const { event } = webhook;
  if (!event) return received();
  try {
    await recordEmailProviderEvent(getDb(), event);
    return received();
  } catch (error) {
    console.error(`resend webhook: ${event.type} ${event.eventId} could not be stored (${errorSummary(error)})`);
    return Response.json({ error: 'not stored' }, { status: 500, headers: NO_STORE });
  }
}

function badRequest(): Response {
  return Response.json({ error: 'bad request' }, { status: 400, headers: NO_STORE });
}

function received(): Response {
  return Response.json({ received: true }, { headers: NO_STORE });
}
