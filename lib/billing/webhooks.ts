import 'server-only';
import { and, asc, eq, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Executor } from '@/db/client';
import { billingSettings, paymentEvents } from '@/db/schema';
import { addSeconds, now } from '@/lib/clock';
import { errorSummary } from '@/lib/kernel/errors';
import { applyAccountStatus } from './gateway/stripe-connect';
import { createStripeGateway, paymentResultFromIntent, refundResultFromRefund, setupResultFromIntent } from './gateway/stripe-gateway';
import { settlePaymentFromGateway, settleRefundFromGateway, settleSetupFromGateway } from './settle';

/**
 * Stripe's webhook events, stored once and applied like outbox rows. The route
 * (app/api/webhooks/stripe) verifies the signature and stores the event under its clinic, keyed by
 * (clinic, gateway, event id): a replay inserts nothing and changes nothing. The event is then
 * applied right away, best effort; whatever fails (or was never tried: a crash after the insert)
 * is applied by the payment-events job, which claims due rows with FOR UPDATE SKIP LOCKED and a
 * lease, so several runners never apply one event at the same moment. Applying goes through
 * lib/billing/settle.ts, which only moves payments forward under the row's lock, so events
 * arriving twice, late or out of order leave one correct ledger.
 */

/** Wait after the 1st, 2nd, … failed attempt; the last step repeats. */
const BACKOFF_SECONDS = [30, 2 * 60, 10 * 60, 60 * 60, 6 * 60 * 60] as const;
// A claimed row is left alone this long: a runner that died mid-way frees it for the next one.
const LEASE_SECONDS = 120;

export function paymentEventBackoffSeconds(attempts: number): number {
  const index = Math.min(Math.max(attempts, 1), BACKOFF_SECONDS.length) - 1;
  return BACKOFF_SECONDS[index]!;
}

/** The clinic a connected account belongs to (one clinic per account, checked when connecting). */
export async function tenantForStripeAccount(db: Executor, stripeAccountId: string): Promise<string | null> {
  const [row] = await db
    .select({ tenantId: billingSettings.tenantId })
    .from(billingSettings)
    .where(eq(billingSettings.stripeAccountId, stripeAccountId))
    .limit(1);
  return row?.tenantId ?? null;
}

type EventRow = typeof paymentEvents.$inferSelect;

/**
 * Stores a verified event for the clinic and applies it now if it is new. `recorded: false`: the
 * event was already stored (a replay), nothing changed. The event as received holds no health
 * information: nothing Carebridge sends Stripe does.
 */
export async function recordPaymentEvent(db: Database, tenantId: string, event: Stripe.Event): Promise<{ recorded: boolean; applied: boolean }> {
  const object = event.data.object as { id?: unknown };
  const [row] = await db
    .insert(paymentEvents)
    .values({
      tenantId,
      gateway: 'stripe',
      eventId: event.id,
      type: event.type,
      objectRef: typeof object.id === 'string' ? object.id : '',
      payload: JSON.stringify(event),
      // The app's clock (not the database's), so the claim below finds the row due.
      receivedAt: now(),
      nextAttemptAt: now(),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return { recorded: false, applied: false };
  const [claimed] = await claim(db, and(eq(paymentEvents.tenantId, tenantId), eq(paymentEvents.id, row.id)), 1);
  return { recorded: true, applied: claimed ? await work(db, claimed) : false };
}

export interface PaymentEventsResult {
  processed: number;
  retried: number;
}

/** The job: applies due events not yet applied (new ones the route could not, and retries). */
export async function processPaymentEvents(db: Database, options: { limit?: number } = {}): Promise<PaymentEventsResult> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  const rows = await claim(db, undefined, limit);
  const result: PaymentEventsResult = { processed: 0, retried: 0 };
  for (const row of rows) {
    if (await work(db, row)) result.processed++;
    else result.retried++;
  }
  return result;
}

/** Claims due rows (one UPDATE over a SKIP LOCKED subquery): each gets a lease instead of a lock held while applying. */
async function claim(db: Database, only: SQL | undefined, limit: number): Promise<EventRow[]> {
  const at = now();
  const due = db
    .select({ tenantId: paymentEvents.tenantId, id: paymentEvents.id })
    .from(paymentEvents)
    .where(and(isNull(paymentEvents.processedAt), lte(paymentEvents.nextAttemptAt, at), only))
    .orderBy(asc(paymentEvents.nextAttemptAt), asc(paymentEvents.receivedAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(paymentEvents)
    .set({ nextAttemptAt: addSeconds(at, LEASE_SECONDS) })
    .where(sql`(${paymentEvents.tenantId}, ${paymentEvents.id}) in (${due})`)
    .returning();
}

/** Applies one claimed event and records the outcome; true when it is done. */
async function work(db: Database, row: EventRow): Promise<boolean> {
  const key = and(eq(paymentEvents.tenantId, row.tenantId), eq(paymentEvents.id, row.id), isNull(paymentEvents.processedAt));
  try {
    await applyEvent(db, row.tenantId, JSON.parse(row.payload) as Stripe.Event);
    await db.update(paymentEvents).set({ processedAt: now(), lastError: null }).where(key);
    return true;
  } catch (error) {
    const attempts = row.attempts + 1;
    // The error's name only: a failed query's message quotes its parameters.
    const lastError = errorSummary(error);
    console.warn(`payment events: ${row.type} ${row.eventId} failed (${lastError}), attempt ${attempts}`);
    await db
      .update(paymentEvents)
      .set({ attempts, lastError, nextAttemptAt: addSeconds(now(), paymentEventBackoffSeconds(attempts)) })
      .where(key);
    return false;
  }
}

const stripeGateway = createStripeGateway();

const PAYMENT_EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.processing', 'payment_intent.requires_action', 'payment_intent.canceled']);
const SETUP_EVENTS = new Set(['setup_intent.succeeded', 'setup_intent.setup_failed', 'setup_intent.requires_action', 'setup_intent.canceled']);
const REFUND_EVENTS = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);

/**
 * What an event means for Carebridge. Each carries the object as it was when the event was made
 * (a snapshot): settle.ts decides whether it moves anything, so a stale one changes nothing.
 * Objects Carebridge did not make (no matching reference or metadata id) are ignored there.
 */
export async function applyEvent(db: Executor, tenantId: string, event: Stripe.Event): Promise<void> {
  const type = event.type as string;
  if (PAYMENT_EVENTS.has(type)) {
    const intent = event.data.object as Stripe.PaymentIntent;
    await settlePaymentFromGateway(db, tenantId, 'stripe', paymentResultFromIntent(intent), { paymentId: intent.metadata?.carebridge_payment_id ?? null });
  } else if (SETUP_EVENTS.has(type)) {
    const intent = event.data.object as Stripe.SetupIntent;
    let result = setupResultFromIntent(intent);
    // An event's object is not expanded: a saved card needs its brand, last four and expiry, so
    // a succeeded setup is read back from Stripe with its payment method (Stripe unreachable:
    // GatewayUnavailableError, and the job tries the event again later).
    if (result.status === 'succeeded' && !result.card && event.account) {
      result = await stripeGateway.retrieveSetup({ tenantId, stripeAccountId: event.account }, intent.id);
    }
    await settleSetupFromGateway(db, tenantId, 'stripe', result, { setupId: intent.metadata?.carebridge_setup_id ?? null });
  } else if (REFUND_EVENTS.has(type)) {
    await settleRefund(db, tenantId, event.data.object as Stripe.Refund);
  } else if (type === 'charge.refunded') {
    // Since API version 2022-11-15 a charge lists its refunds only when expanded; the refund.*
    // events that come with it carry each one anyway.
    const charge = event.data.object as Stripe.Charge & { refunds?: { data?: Stripe.Refund[] } };
    for (const refund of charge.refunds?.data ?? []) await settleRefund(db, tenantId, refund);
  } else if (type === 'account.updated') {
    const account = event.data.object as Stripe.Account;
    await applyAccountStatus(db, tenantId, account.id, account.charges_enabled);
  }
}

async function settleRefund(db: Executor, tenantId: string, refund: Stripe.Refund) {
  await settleRefundFromGateway(db, tenantId, 'stripe', refundResultFromRefund(refund), { refundId: refund.metadata?.carebridge_refund_id ?? null });
}
