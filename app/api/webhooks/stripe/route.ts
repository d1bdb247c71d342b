import Stripe from 'stripe';
import { getDb } from '@/db/client';
import { recordPaymentEvent, tenantForStripeAccount } from '@/lib/billing/webhooks';
import { errorSummary } from '@/lib/kernel/errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };
// Stripe's events are a few kilobytes; anything this large is not one.
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Stripe's webhooks for the clinics' connected accounts (a Connect endpoint, on any host: the
 * event's `account` names the clinic, not the host). The signature is checked on the raw body
 * with the SDK; a bad one answers 400 without saying why. An event is stored once by its id and
 * applied (lib/billing/webhooks.ts); 200 tells Stripe to stop sending it, anything else makes it
 * retry, which is what a database failure here needs.
 */
export async function POST(request: Request): Promise<Response> {
  const secret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
  // Not configured: 503 so Stripe keeps retrying while the deployment is fixed.
  if (!secret) return Response.json({ error: 'not configured' }, { status: 503, headers: NO_STORE });

  const signature = request.headers.get('stripe-signature');
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return badRequest();
  const raw = await request.text();
  if (!signature || raw.length > MAX_BODY_BYTES) return badRequest();

  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(raw, signature, secret);
  } catch {
    return badRequest();
  }

  // Events about the platform's own account are not the clinics' business.
  if (!event.account) return received();
  try {
    const db = getDb();
    const tenantId = await tenantForStripeAccount(db, event.account);
    if (!tenantId) {
      // A clinic that disconnected, or an account this platform never connected: nothing to do.
      console.info(`stripe webhook: ${event.type} ${event.id} for an account no clinic has, ignored`);
      return received();
    }
    await recordPaymentEvent(db, tenantId, event);
    return received();
  } catch (error) {
    console.error(`stripe webhook: ${event.type} ${event.id} could not be stored (${errorSummary(error)})`);
    return Response.json({ error: 'not stored' }, { status: 500, headers: NO_STORE });
  }
}

function badRequest(): Response {
  return Response.json({ error: 'bad request' }, { status: 400, headers: NO_STORE });
}

function received(): Response {
  return Response.json({ received: true }, { headers: NO_STORE });
}
