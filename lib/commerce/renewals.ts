import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database, Executor, Transaction } from '@/db/client';
import {
  coupons, invoices, orderLines, orders, payments, productPhases, products, subscriptionRenewals, subscriptions,
  type Invoice, type Payment, type ProductPhase, type Subscription, type SubscriptionRenewal,
} from '@/db/schema';
import { gatewayFor, PaymentsUnavailableError } from '@/lib/billing/gateway';
import type { PaymentSource } from '@/lib/billing/gateway/types';
import { issueInvoice } from '@/lib/billing/invoices';
import { formatMoney } from '@/lib/billing/money';
import { cardOnFileSource, chargeCardOnFile, chooseOffSessionCard, offSessionCards, startCardOnFilePayment, voidUnpaidInvoice } from '@/lib/billing/off-session';
import { PaymentRefusedError, type SystemAudit } from '@/lib/billing/payments';
import type { SettleActor } from '@/lib/billing/settle';
import { getBillingSettings } from '@/lib/billing/settings';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { addSeconds, now } from '@/lib/clock';
import { recordEvent } from '@/lib/engagement/events';
import { errorSummary } from '@/lib/kernel/errors';
import { enqueueSubscriptionNotice } from '@/lib/notifications/subscription-notifications';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { CommerceAuditActions } from './audit-actions';
import { anchorDayOf } from './cycles';
import { nextRetryAt } from './dunning';
import { UNPAID_ORDER_STATUSES } from './order-status';
import { lockOrder, moveLockedOrder, recordOrderCreated, type OrderActor } from './order-transitions';
import { getCommerceSettings, takeOrderNumber } from './settings';
import {
  renewInBulk, successChange, type ClaimedRenewal, type RenewalClinicTerms, type RenewalOutcome, type RenewalProductTerms, type RenewalTermsSource,
} from './renewals-bulk';
import { recordSubscriptionEvent, type SubscriptionActorRef } from './subscription-events';
import { couponApplies, nextChargePhase, pauseEndsAt, renewalLine, resumedCycleAt, type CouponTerms } from './subscription-rules';

/**
 * The renewal job (`subscription-renewals` in lib/jobs/scheduled.ts, every minute, and the cron
 * route): charges each subscription's cycle on its date with the patient's saved card, under their
 * authorisation for subscriptions, and retries failed ones on the clinic's schedule (dunning.ts).
 *
 * A renewal is charged exactly once, however many runners race and wherever one dies:
 * 1. Claim: one statement picks due subscriptions (`FOR UPDATE SKIP LOCKED`, across clinics) and
 *    upserts their renewal row — (subscription, cycle) is unique — with a lease. A second runner
 *    skips rows another holds and renewals whose lease is running.
 * 2. Prepare, under the subscription's row lock: a cancelled, ended, paused or no-longer-due
 *    subscription stops here (nothing is charged). The renewal's order and open invoice are made
 *    once, in a transaction of their own that takes the clinic's order and invoice numbers last
 *    (makeOrder); then, under the locks again, the attempt's pending payment is written with the
 *    key `renewal:<id>:<attempt>`.
 * 3. Charge: the provider is called with that key, after the commit. A crash after it answered
 *    leaves the pending payment; the next run (once the lease is over) or billing's reconciliation
 *    repeats the same call, and the provider answers with the first result.
 * 4. Record, under the locks again: the payment's outcome moves the subscription (success: the
 *    next cycle; failure: past due and the next retry, or cancelled after the last one). A renewal
 *    already recorded is left alone, so a repeat records nothing twice.
 * A pass does steps 2 to 4 of its plain renewals (a due cycle, the card it names, the provider
 * takes the charge) together, in a fixed number of statements (renewals-bulk.ts); every other
 * renewal, and any the pass hands back, goes through `renew` one by one.
 */

/** How long a runner's claim on a renewal lasts; after it, another run may finish the work. */
export const RENEWAL_LEASE_SECONDS = 600;
const SYSTEM_AUDIT: SystemAudit = { system: 'subscription-renewals' };
const SYSTEM_SETTLE: SettleActor = { kind: 'system' };
const SYSTEM_ACTOR: SubscriptionActorRef = { kind: 'system', label: 'subscription-renewals' };
const SYSTEM_ORDER: OrderActor = { kind: 'system' };
const PAYMENT_FAILED_REASON = 'payment failed';

export interface RenewalCounts {
  renewalsClaimed: number;
  renewalsSucceeded: number;
  renewalsFailed: number;
  /** Charges the provider has not answered yet (an outage): finished by a later run. */
  renewalsWaiting: number;
  subscriptionsCancelled: number;
  subscriptionsEnded: number;
  subscriptionsResumed: number;
  renewalErrors: number;
}

const zero = (): RenewalCounts => ({
  renewalsClaimed: 0, renewalsSucceeded: 0, renewalsFailed: 0, renewalsWaiting: 0, subscriptionsCancelled: 0, subscriptionsEnded: 0, subscriptionsResumed: 0, renewalErrors: 0,
});

type Outcome = RenewalOutcome;

/**
 * One pass: paused subscriptions whose date has come run again, then up to `limit` due renewals
 * are charged (`concurrency` at a time; the pass's plain renewals' provider calls
 * `providerConcurrency` at a time). Returns counts for the worker's log and the benchmark.
 */
export async function runRenewals(
  db: Database, options: { at?: Date; limit?: number; concurrency?: number; providerConcurrency?: number; oneByOne?: boolean } = {},
): Promise<RenewalCounts> {
  const at = options.at ?? now();
  const limit = options.limit ?? 50;
  const concurrency = options.concurrency ?? 4;
  const providerConcurrency = options.providerConcurrency ?? concurrency;
  const counts = zero();
  counts.subscriptionsResumed = await resumeDuePauses(db, at, limit);
  const claimed = await claimDueRenewals(db, at, limit);
  counts.renewalsClaimed = claimed.length;
  const run = new RenewalRun(db, at);
  const tally = (outcome: Outcome) => {
    if (outcome === 'succeeded') counts.renewalsSucceeded++;
    else if (outcome === 'ended') { counts.renewalsSucceeded++; counts.subscriptionsEnded++; }
    else if (outcome === 'failed') counts.renewalsFailed++;
    else if (outcome === 'cancelled') { counts.renewalsFailed++; counts.subscriptionsCancelled++; }
    else if (outcome === 'waiting') counts.renewalsWaiting++;
  };
  // The plain renewals together (renewals-bulk.ts); the rest, and `oneByOne` (the comparison test), one by one.
  let rest: Claimed[] = claimed;
  if (!options.oneByOne && claimed.length > 0) {
    const bulk = await renewInBulk(db, run, claimed, at, providerConcurrency);
    bulk.outcomes.forEach(tally);
    counts.renewalErrors += bulk.errors;
    rest = bulk.handOver;
  }
  let next = 0;
  const worker = async () => {
    while (next < rest.length) {
      const renewal = rest[next++]!;
      try {
        tally(await run.renew(renewal));
      } catch (error) {
        counts.renewalErrors++;
        console.warn(`subscription renewals: renewal ${renewal.id} ${errorSummary(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, rest.length)) }, worker));
  return counts;
}

type Claimed = ClaimedRenewal;

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Claims due renewals across clinics in one statement: active subscriptions whose cycle date has
 * come and past-due ones whose retry has, not held by another runner, each given its renewal row
 * for the next cycle with a lease (made, or an earlier unfinished or failed one taken up again).
 */
async function claimDueRenewals(db: Database, at: Date, limit: number): Promise<Claimed[]> {
  const leaseUntil = addSeconds(at, RENEWAL_LEASE_SECONDS);
  const atIso = at.toISOString();
  const result = await db.execute(sql`
    with due as (
      select s.tenant_id, s.id, s.cycles_billed + 1 as cycle
      from subscriptions s
      where ((s.status = 'active' and s.next_cycle_at <= ${atIso}::timestamptz)
          or (s.status = 'past_due' and s.next_retry_at <= ${atIso}::timestamptz))
        and not exists (
          select 1 from subscription_renewals r
          where r.tenant_id = s.tenant_id and r.subscription_id = s.id and r.cycle_number = s.cycles_billed + 1
            and r.lease_until > ${atIso}::timestamptz)
      order by case when s.status = 'past_due' then s.next_retry_at else s.next_cycle_at end
      limit ${limit}
      for update of s skip locked
    )
    insert into subscription_renewals (tenant_id, subscription_id, cycle_number, status, attempts, lease_until, created_at, updated_at)
    select tenant_id, id, cycle, 'charging', 0, ${leaseUntil.toISOString()}::timestamptz, ${atIso}::timestamptz, ${atIso}::timestamptz from due
    on conflict (tenant_id, subscription_id, cycle_number) do update
      set lease_until = excluded.lease_until, updated_at = excluded.updated_at
      where subscription_renewals.lease_until is null or subscription_renewals.lease_until <= ${atIso}::timestamptz
    returning id, tenant_id, subscription_id, cycle_number, order_id is not null as has_order`);
  return rowsOf<{ id: string; tenant_id: string; subscription_id: string; cycle_number: number; has_order: boolean }>(result).map((r) => ({
    id: r.id, tenantId: r.tenant_id, subscriptionId: r.subscription_id, cycleNumber: Number(r.cycle_number), leaseUntil, hasOrder: r.has_order,
  }));
}

/**
 * Paused subscriptions whose "until" date has come in their clinic's calendar run again: the next
 * cycle stays where it was, or moves to the resume date when that is later.
 */
async function resumeDuePauses(db: Database, at: Date, limit: number): Promise<number> {
  const zones = new Map<string, string>();
  return db.transaction(async (tx) => {
    const rows = await tx.select().from(subscriptions)
      .where(and(
        eq(subscriptions.status, 'paused'),
        sql`${subscriptions.pausedUntil} <= (${at.toISOString()}::timestamptz at time zone coalesce((
          select l.time_zone from locations l where l.tenant_id = ${subscriptions.tenantId}
          order by l.active desc, l.created_at, l.id limit 1), 'UTC'))::date`,
      ))
      .orderBy(asc(subscriptions.pausedUntil))
      .limit(limit)
      .for('update', { skipLocked: true });
    for (const sub of rows) {
      let zone = zones.get(sub.tenantId);
      if (!zone) zones.set(sub.tenantId, (zone = await clinicTimeZone(tx, sub.tenantId)));
      const nextCycleAt = resumedCycleAt(sub, pauseEndsAt(sub.pausedUntil!, zone));
      // A cycle moved to the resume date keeps that day of the month from then on.
      const anchorDay = nextCycleAt === sub.nextCycleAt ? sub.anchorDay : anchorDayOf(nextCycleAt, zone);
      await tx.update(subscriptions).set({ status: 'active', pausedUntil: null, nextCycleAt, anchorDay, updatedAt: at })
        .where(and(eq(subscriptions.tenantId, sub.tenantId), eq(subscriptions.id, sub.id)));
      await recordSubscriptionEvent(tx, {
        tenantId: sub.tenantId, subscriptionId: sub.id, patientId: sub.patientId, action: 'resumed', from: 'paused', to: 'active', actor: SYSTEM_ACTOR,
        details: { pausedUntil: sub.pausedUntil, nextCycleAt: nextCycleAt.toISOString() }, audit: CommerceAuditActions.subscriptionChanged, at,
      });
    }
    return rows.length;
  });
}

const shipColumns = {
  shipName: orders.shipName, shipLine1: orders.shipLine1, shipLine2: orders.shipLine2, shipCity: orders.shipCity,
  shipRegion: orders.shipRegion, shipPostalCode: orders.shipPostalCode, shipCountry: orders.shipCountry,
};
type ShipTo = { [K in keyof typeof shipColumns]: string | null };
const renewalOrders = alias(orders, 'renewal_order');
const renewalInvoices = alias(invoices, 'renewal_invoice');

interface LockedPair {
  sub: Subscription;
  renewal: SubscriptionRenewal;
  shipTo: ShipTo | null;
  /** The renewal's order total and invoice status, once they are made. */
  billed: { total: number; invoiceStatus: Invoice['status'] } | null;
}

/**
 * The subscription and its claimed renewal, both locked, in one statement (the renewal job's
 * lock order everywhere: subscription, then renewal), with the first order's shipping address
 * and what the renewal's own order and invoice stand at.
 */
async function lockPair(tx: Executor, claimed: Claimed): Promise<LockedPair | null> {
  const [row] = await tx.select({
    sub: subscriptions, renewal: subscriptionRenewals, shipTo: shipColumns,
    billed: { total: renewalOrders.total, invoiceStatus: renewalInvoices.status },
  })
    .from(subscriptions)
    .innerJoin(subscriptionRenewals, and(
      eq(subscriptionRenewals.tenantId, subscriptions.tenantId), eq(subscriptionRenewals.subscriptionId, subscriptions.id), eq(subscriptionRenewals.id, claimed.id),
    ))
    .leftJoin(orders, and(eq(orders.tenantId, subscriptions.tenantId), eq(orders.id, subscriptions.firstOrderId)))
    .leftJoin(renewalOrders, and(eq(renewalOrders.tenantId, subscriptionRenewals.tenantId), eq(renewalOrders.id, subscriptionRenewals.orderId)))
    .leftJoin(renewalInvoices, and(eq(renewalInvoices.tenantId, subscriptionRenewals.tenantId), eq(renewalInvoices.id, subscriptionRenewals.invoiceId)))
    .where(and(eq(subscriptions.tenantId, claimed.tenantId), eq(subscriptions.id, claimed.subscriptionId)))
    .for('update', { of: [subscriptions, subscriptionRenewals] });
  if (!row) return null;
  const { billed, ...pair } = row;
  return { ...pair, billed: billed && billed.total !== null && billed.invoiceStatus !== null ? { total: billed.total, invoiceStatus: billed.invoiceStatus } : null };
}

type ProductTerms = RenewalProductTerms;
type ClinicTerms = RenewalClinicTerms;

/** What one pass reads once per clinic, product and coupon (the 10,000-renewal batch reads them once). */
class RenewalRun implements RenewalTermsSource {
  private clinics = new Map<string, Promise<ClinicTerms>>();
  private products = new Map<string, Promise<ProductTerms>>();
  private coupons = new Map<string, Promise<CouponTerms | null>>();

  constructor(private db: Database, private at: Date) {}

  clinic(tenantId: string): Promise<ClinicTerms> {
    let terms = this.clinics.get(tenantId);
    if (!terms) {
      terms = (async () => {
        const [zone, billing, commerce] = await Promise.all([
          clinicTimeZone(this.db, tenantId), getBillingSettings(this.db, tenantId), getCommerceSettings(this.db, tenantId),
        ]);
        const gateway = await gatewayFor(this.db, tenantId).catch((error: unknown) => {
          if (error instanceof PaymentsUnavailableError) return error;
          throw error;
        });
        return { zone, currency: billing.currency, taxRateBp: billing.defaultTaxRateBp, retryDays: commerce.retryDays, gateway };
      })();
      this.clinics.set(tenantId, terms);
      terms.catch(() => this.clinics.delete(tenantId));
    }
    return terms;
  }

  /** Read with the caller's handle: inside a transaction, the transaction's (PGlite has one connection). */
  product(db: Executor, tenantId: string, productId: string): Promise<ProductTerms> {
    const key = `${tenantId}:${productId}`;
    let terms = this.products.get(key);
    if (!terms) {
      terms = (async () => {
        const [row] = await db.select({ name: products.name, taxable: products.taxable }).from(products)
          .where(and(eq(products.tenantId, tenantId), eq(products.id, productId)));
        const phases = await db.select().from(productPhases)
          .where(and(eq(productPhases.tenantId, tenantId), eq(productPhases.productId, productId))).orderBy(asc(productPhases.position));
        return { name: row!.name, taxable: row!.taxable, phases };
      })();
      this.products.set(key, terms);
      terms.catch(() => this.products.delete(key));
    }
    return terms;
  }

  coupon(db: Executor, tenantId: string, couponId: string): Promise<CouponTerms | null> {
    const key = `${tenantId}:${couponId}`;
    let terms = this.coupons.get(key);
    if (!terms) {
      terms = db.select({ kind: coupons.kind, percentBp: coupons.percentBp, amountOff: coupons.amountOff }).from(coupons)
        .where(and(eq(coupons.tenantId, tenantId), eq(coupons.id, couponId))).then((rows) => rows[0] ?? null);
      this.coupons.set(key, terms);
    }
    return terms;
  }

  /** One claimed renewal, from preparing to recording its outcome. */
  async renew(claimed: Claimed): Promise<Outcome> {
    const clinic = await this.clinic(claimed.tenantId);
    const prepared = await this.prepare(claimed, clinic);
    if (prepared.kind === 'done') return prepared.outcome;
    let payment = prepared.payment;
    if (payment.status === 'pending' || payment.status === 'requires_action') {
      if (clinic.gateway instanceof PaymentsUnavailableError) return 'waiting';
      const source = prepared.source ?? (await cardOnFileSource(this.db, payment));
      if (!source) return this.record(claimed, clinic, { failed: 'card_removed' });
      const settled = await chargeCardOnFile(this.db, claimed.tenantId, payment, clinic.gateway, source, SYSTEM_SETTLE);
      if (settled.status === 'failed' || settled.status === 'canceled') {
        [payment] = await this.db.select().from(payments).where(and(eq(payments.tenantId, claimed.tenantId), eq(payments.id, payment.id))) as [Payment];
      } else {
        payment = { ...payment, status: settled.status };
      }
    }
    if (payment.status === 'succeeded') return this.record(claimed, clinic, { paymentId: payment.id });
    if (payment.status === 'failed' || payment.status === 'canceled') return this.record(claimed, clinic, { failed: payment.failureCode ?? 'failed', paymentId: payment.id });
    return 'waiting';
  }

  /**
   * Makes the renewal's order and invoice once (makeOrder), then, under the subscription's lock
   * again: stop if it is no longer due; decide the attempt and write its pending payment (or find
   * it). A refusal before any charge (no card that may be charged, payments turned off) is
   * recorded here as a failure.
   */
  private async prepare(claimed: Claimed, clinic: ClinicTerms): Promise<
    { kind: 'done'; outcome: Outcome } | { kind: 'charge'; payment: Payment; source: PaymentSource | null }
  > {
    if (!claimed.hasOrder) {
      const made = await this.makeOrder(claimed, clinic);
      if (made) return made;
    }
    const { tenantId } = claimed;
    const at = this.at;
    type Step = { kind: 'done'; outcome: Outcome } | { kind: 'charge'; payment: Payment; source: PaymentSource | null } | { kind: 'refused'; code: string };
    const step: Step = await this.db.transaction(async (tx): Promise<Step> => {
      const terms = await this.dueTerms(tx, await lockPair(tx, claimed));
      if (terms.kind === 'done') return terms;
      const { pair: { sub, renewal, billed }, product } = terms;
      const { orderId, invoiceId } = renewal;
      // makeOrder made them, just now or in an earlier attempt; the lease keeps other runners away.
      if (!orderId || !invoiceId || !billed) throw new Error('the renewal has no order to charge');
      // The patient may have paid the invoice in the portal since it was made.
      if (billed.invoiceStatus === 'paid') {
        return { kind: 'done', outcome: await recordSuccess(tx, sub, { ...renewal, status: 'charging' }, product, clinic, at, null) };
      }
      const total = billed.total;
      const invoiceClosed = billed.invoiceStatus !== 'open' && billed.invoiceStatus !== 'partially_paid';
      const attempt = renewal.status === 'failed' ? renewal.attempts + 1 : Math.max(renewal.attempts, 1);
      const setRenewal = (extra: Partial<typeof subscriptionRenewals.$inferInsert> = {}) => tx.update(subscriptionRenewals)
        .set({ status: 'charging', attempts: attempt, orderId, invoiceId, updatedAt: at, ...extra })
        .where(and(eq(subscriptionRenewals.tenantId, tenantId), eq(subscriptionRenewals.id, renewal.id)));
      if (invoiceClosed) {
        // Voided by staff: nothing can pay it, so this attempt fails as a refusal does.
        await setRenewal();
        return { kind: 'refused', code: 'invoice_closed' };
      }
      const key = `renewal:${renewal.id}:${attempt}`;
      // An attempt already started (a crash, a lease that ran out) has its payment: repeat that one.
      if (renewal.attempts === attempt) {
        const [already] = await tx.select().from(payments).where(and(eq(payments.tenantId, tenantId), eq(payments.idempotencyKey, key)));
        if (already) {
          await setRenewal({ lastPaymentId: already.id });
          return { kind: 'charge', payment: already, source: null };
        }
      }
      if (clinic.gateway instanceof PaymentsUnavailableError) {
        await setRenewal();
        return { kind: 'refused', code: 'payments_off' };
      }
      const [year, month] = zonedDate(at, clinic.zone).split('-').map(Number) as [number, number];
      const cards = await offSessionCards(tx, tenantId, sub.patientId, sub.savedCardId);
      const choice = chooseOffSessionCard(cards, 'subscriptions', total, clinic.currency, { year, month });
      if (choice.refusal !== null) {
        await setRenewal();
        return { kind: 'refused', code: cards.length === 0 ? 'no_card' : 'not_authorised' };
      }
      if (choice.card.id !== sub.savedCardId) {
        await tx.update(subscriptions).set({ savedCardId: choice.card.id, updatedAt: at }).where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.id, sub.id)));
      }
      try {
        const started = await startCardOnFilePayment(tx, tenantId, clinic.gateway.kind, {
          patientId: sub.patientId, invoiceIds: [invoiceId], amount: total, purpose: 'subscriptions', idempotencyKey: key, card: choice.card,
        }, SYSTEM_AUDIT);
        await setRenewal({ lastPaymentId: started.payment.id });
        return { kind: 'charge', payment: started.payment, source: started.source };
      } catch (error) {
        if (!(error instanceof PaymentRefusedError)) throw error;
        await setRenewal();
        // Another payment of the invoice is in progress (the patient paying it in the portal): its outcome decides.
        if (error.code === 'payment-in-progress') return { kind: 'done', outcome: 'waiting' };
        return { kind: 'refused', code: error.code };
      }
    });
    if (step.kind === 'refused') return { kind: 'done', outcome: await this.record(claimed, clinic, { failed: step.code }) };
    return step;
  }

  /**
   * Under the pair's locks: a renewal no longer due stops here (cancelled, paused, rescheduled or
   * renewed since the claim: nothing is charged), and one whose product has no phase left ends
   * its subscription. Otherwise the product and the phase this cycle charges.
   */
  private async dueTerms(tx: Executor, locked: LockedPair | null): Promise<
    { kind: 'done'; outcome: Outcome } | { kind: 'due'; pair: LockedPair; product: ProductTerms; phase: ProductPhase }
  > {
    if (!locked) return { kind: 'done', outcome: 'skipped' };
    const { sub, renewal } = locked;
    const { tenantId } = sub;
    const at = this.at;
    const due = (sub.status === 'active' && sub.nextCycleAt !== null && sub.nextCycleAt <= at)
      || (sub.status === 'past_due' && sub.nextRetryAt !== null && sub.nextRetryAt <= at);
    if (!due || sub.cyclesBilled + 1 !== renewal.cycleNumber || renewal.status === 'succeeded' || renewal.status === 'abandoned') {
      await tx.update(subscriptionRenewals).set({ leaseUntil: null, updatedAt: at })
        .where(and(eq(subscriptionRenewals.tenantId, tenantId), eq(subscriptionRenewals.id, renewal.id), eq(subscriptionRenewals.status, 'charging'), eq(subscriptionRenewals.attempts, 0)));
      return { kind: 'done', outcome: 'skipped' };
    }
    const product = await this.product(tx, tenantId, sub.productId);
    const phase = nextChargePhase(product.phases, sub.phasePosition, sub.cyclesInPhase);
    if (!phase) {
      // Every phase is done (the product's phases changed since): the subscription ends.
      await endSubscription(tx, sub, at);
      await tx.update(subscriptionRenewals).set({ status: 'abandoned', leaseUntil: null, updatedAt: at })
        .where(and(eq(subscriptionRenewals.tenantId, tenantId), eq(subscriptionRenewals.id, renewal.id)));
      return { kind: 'done', outcome: 'ended' };
    }
    return { kind: 'due', pair: locked, product, phase };
  }

  /**
   * The renewal's order (kind renewal) and its open invoice, made once in a transaction of their
   * own whose last statements take the clinic's numbers. Order and invoice numbers have no gaps,
   * so each counter row stays locked from its number to the commit, and the clinic's other
   * renewals (and checkouts, invoices and receipts) wait that long: the order's number is taken
   * once the invoice is written, the invoice's (issueInvoice) after the order, and the payment
   * comes in the next transaction. Returns the outcome when there is nothing to charge: not due
   * any more, ended, or a free cycle (a 100 % coupon: the invoice is paid as made).
   */
  private async makeOrder(claimed: Claimed, clinic: ClinicTerms): Promise<{ kind: 'done'; outcome: Outcome } | null> {
    const at = this.at;
    return this.db.transaction(async (tx) => {
      const terms = await this.dueTerms(tx, await lockPair(tx, claimed));
      if (terms.kind === 'done') return terms;
      const { pair: { sub, renewal, shipTo }, product, phase } = terms;
      if (renewal.orderId) return null;
      const { tenantId } = sub;
      const coupon = couponApplies(sub.couponId, sub.couponCyclesLeft) ? await this.coupon(tx, tenantId, sub.couponId!) : null;
      const line = renewalLine(phase.unitAmount, coupon, product.taxable ? clinic.taxRateBp : 0);
      let orderId = '';
      const invoice = await issueInvoice(tx, {
        tenantId, patientId: sub.patientId, actor: { kind: 'system' }, source: 'renewal',
        lines: [{ kind: 'product', serviceId: null, description: product.name, quantity: 1, unitAmount: phase.unitAmount, discountAmount: line.discountAmount, taxRateBp: product.taxable ? clinic.taxRateBp : 0 }],
      }, async (unnumbered) => {
        const number = await takeOrderNumber(tx, tenantId);
        const [order] = await tx.insert(orders).values({
          tenantId, number, patientId: sub.patientId, kind: 'renewal', status: 'pending', subscriptionId: sub.id, invoiceId: unnumbered.id,
          couponId: coupon ? sub.couponId : null, currency: unnumbered.currency,
          subtotal: line.subtotal, discountTotal: line.discountAmount, taxTotal: line.taxAmount, total: line.total,
          ...(shipTo ?? {}), createdAt: at, updatedAt: at, statusSince: at,
        }).returning({ id: orders.id, status: orders.status, tenantId: orders.tenantId });
        orderId = order!.id;
        // Independent writes, sent together (one round trip; the database runs them in this order).
        await Promise.all([
          // A free cycle counts as its one attempt.
          tx.update(subscriptionRenewals).set({ orderId, invoiceId: unnumbered.id, ...(unnumbered.total === 0 ? { attempts: 1 } : {}), updatedAt: at })
            .where(and(eq(subscriptionRenewals.tenantId, tenantId), eq(subscriptionRenewals.id, renewal.id))),
          tx.insert(orderLines).values({
            tenantId, orderId, position: 0, productId: sub.productId, description: product.name, quantity: 1, unitAmount: phase.unitAmount,
            discountAmount: line.discountAmount, taxAmount: line.taxAmount, total: line.total, phasePosition: phase.position, cycleNumber: renewal.cycleNumber,
          }),
          recordOrderCreated(tx, order!, SYSTEM_ORDER),
        ]);
      });
      if (invoice.total > 0) return null;
      // A free cycle: the invoice is paid as made; nothing to charge.
      const order = await lockOrder(tx, tenantId, orderId);
      if (order?.status === 'pending') await moveLockedOrder(tx, order, 'processing', SYSTEM_ORDER);
      return { kind: 'done', outcome: await recordSuccess(tx, sub, { ...renewal, orderId, invoiceId: invoice.id }, product, clinic, at, null) };
    });
  }

  /** Under the subscription's and the renewal's locks, the attempt's outcome moves the subscription. */
  private async record(claimed: Claimed, clinic: ClinicTerms, result: { paymentId?: string; failed?: string }): Promise<Outcome> {
    const at = this.at;
    return this.db.transaction(async (tx) => {
      const locked = await lockPair(tx, claimed);
      // Recorded already (another runner, or an earlier pass): nothing twice.
      if (!locked || locked.renewal.status !== 'charging') return 'skipped';
      const { sub, renewal } = locked;
      if (result.failed === undefined) return recordSuccess(tx, sub, renewal, await this.product(tx, sub.tenantId, sub.productId), clinic, at, result.paymentId ?? null);
      return recordFailure(tx, sub, renewal, clinic, at, result.failed);
    });
  }
}

async function endSubscription(tx: Executor, sub: Subscription, at: Date) {
  await tx.update(subscriptions).set({ status: 'ended', endedAt: at, nextCycleAt: null, nextRetryAt: null, updatedAt: at })
    .where(and(eq(subscriptions.tenantId, sub.tenantId), eq(subscriptions.id, sub.id)));
  await recordSubscriptionEvent(tx, {
    tenantId: sub.tenantId, subscriptionId: sub.id, patientId: sub.patientId, action: 'ended', from: sub.status, to: 'ended', actor: SYSTEM_ACTOR,
    details: { cyclesBilled: sub.cyclesBilled }, audit: CommerceAuditActions.subscriptionChanged, at,
  });
}

/**
 * A paid cycle: counted, the phase advanced, the coupon's cycles used, the next cycle dated (or
 * the subscription ended after its last phase), dunning cleared, and the renewal order moved on
 * to fulfilment (billing's settlement moved it to processing). A subscription cancelled while its
 * charge was in flight keeps its cancellation; the cycle it paid for is still counted and sent.
 */
async function recordSuccess(
  tx: Transaction, sub: Subscription, renewal: SubscriptionRenewal, product: ProductTerms, clinic: ClinicTerms, at: Date, paymentId: string | null,
): Promise<Outcome> {
  const where = and(eq(subscriptions.tenantId, sub.tenantId), eq(subscriptions.id, sub.id));
  const { phase, next, ends, nextCycleAt, status, couponCyclesLeft } = successChange(sub, product.phases, clinic.zone, at);
  const { orderId } = renewal;
  // None of these writes reads another's: sent together, in a few round trips instead of ten (the
  // database runs a transaction's statements in the order they were sent; a failure rolls all back).
  await Promise.all([
    tx.update(subscriptions).set({
      status, phasePosition: next.phasePosition, cyclesInPhase: next.cyclesInPhase, cyclesBilled: next.cyclesBilled, nextCycleAt,
      failedAttempts: 0, nextRetryAt: null, pastDueSince: null,
      couponCyclesLeft,
      ...(ends ? { endedAt: at } : {}), updatedAt: at,
    }).where(where),
    tx.update(subscriptionRenewals).set({ status: 'succeeded', leaseUntil: null, updatedAt: at })
      .where(and(eq(subscriptionRenewals.tenantId, sub.tenantId), eq(subscriptionRenewals.id, renewal.id))),
    orderId && lockOrder(tx, sub.tenantId, orderId).then((order) => order?.status === 'processing' ? moveLockedOrder(tx, order, 'awaiting_fulfilment', SYSTEM_ORDER) : null),
    recordSubscriptionEvent(tx, {
      tenantId: sub.tenantId, subscriptionId: sub.id, patientId: sub.patientId, action: ends ? 'ended' : 'renewed', from: sub.status, to: status, actor: SYSTEM_ACTOR,
      details: { cycle: renewal.cycleNumber, phase: phase.position, orderId, paymentId, nextCycleAt: nextCycleAt?.toISOString() ?? null },
      audit: CommerceAuditActions.subscriptionRenewed, at,
    }),
    // The last paid cycle ends the subscription, and is a renewal all the same.
    recordEvent(tx, sub.tenantId, {
      name: 'subscription.renewed', patientId: sub.patientId, subject: { subscriptionId: sub.id, productId: sub.productId, cycle: renewal.cycleNumber }, actor: SYSTEM_ACTOR, at,
    }),
  ]);
  return ends ? 'ended' : 'succeeded';
}

/**
 * A failed attempt (declined, no card that may be charged, the authorisation withdrawn): past due
 * with the next retry from the first failure, and a notice to update the card — or, after the
 * last retry, cancelled by the system with its renewal abandoned, its order cancelled and its
 * invoice voided.
 */
async function recordFailure(tx: Transaction, sub: Subscription, renewal: SubscriptionRenewal, clinic: ClinicTerms, at: Date, code: string): Promise<Outcome> {
  const where = and(eq(subscriptions.tenantId, sub.tenantId), eq(subscriptions.id, sub.id));
  // Every failed attempt, the last one (which cancels the subscription) included.
  await recordEvent(tx, sub.tenantId, {
    name: 'subscription.renewal_failed', patientId: sub.patientId, subject: { subscriptionId: sub.id, productId: sub.productId, cycle: renewal.cycleNumber }, actor: SYSTEM_ACTOR, at,
  });
  const running = sub.status === 'active' || sub.status === 'past_due';
  const failedAttempts = sub.failedAttempts + 1;
  const pastDueSince = sub.pastDueSince ?? at;
  const retryAt = running ? nextRetryAt(pastDueSince, failedAttempts, clinic.retryDays, clinic.zone) : null;
  const [order] = renewal.orderId ? await tx.select({ total: orders.total, currency: orders.currency }).from(orders)
    .where(and(eq(orders.tenantId, sub.tenantId), eq(orders.id, renewal.orderId))) : [];
  const amount = order ? formatMoney(order.total, order.currency) : '';
  if (retryAt) {
    await tx.update(subscriptions).set({ status: 'past_due', failedAttempts, pastDueSince, nextRetryAt: retryAt, updatedAt: at }).where(where);
    await tx.update(subscriptionRenewals).set({ status: 'failed', leaseUntil: null, updatedAt: at })
      .where(and(eq(subscriptionRenewals.tenantId, sub.tenantId), eq(subscriptionRenewals.id, renewal.id)));
    if (renewal.orderId) {
      // A declined payment moved the order already (billing's settlement); a charge never made did not.
      const locked = await lockOrder(tx, sub.tenantId, renewal.orderId);
      if (locked?.status === 'pending') await moveLockedOrder(tx, locked, 'awaiting_payment', SYSTEM_ORDER);
    }
    await recordSubscriptionEvent(tx, {
      tenantId: sub.tenantId, subscriptionId: sub.id, patientId: sub.patientId, action: 'renewal_failed', from: sub.status, to: 'past_due', actor: SYSTEM_ACTOR,
      details: { cycle: renewal.cycleNumber, attempt: renewal.attempts, code, retryAt: retryAt.toISOString() },
      audit: CommerceAuditActions.subscriptionRenewalFailed, at,
    });
    await enqueueSubscriptionNotice(tx, {
      tenantId: sub.tenantId, patientId: sub.patientId, kind: 'renewal_failed', event: `subscription:renewal-failed:${renewal.id}:${renewal.attempts}`,
      amount, retryAt, timeZone: clinic.zone,
    });
    return 'failed';
  }
  if (running) {
    await tx.update(subscriptions).set({
      status: 'cancelled', failedAttempts, pastDueSince, nextRetryAt: null, nextCycleAt: null,
      cancelledBy: 'system', cancelReason: PAYMENT_FAILED_REASON, cancelledAt: at, updatedAt: at,
    }).where(where);
  }
  await abandonRenewal(tx, sub.tenantId, renewal, SYSTEM_ACTOR, at);
  await recordSubscriptionEvent(tx, {
    tenantId: sub.tenantId, subscriptionId: sub.id, patientId: sub.patientId, action: running ? 'cancelled' : 'renewal_failed', from: sub.status, to: running ? 'cancelled' : sub.status,
    actor: SYSTEM_ACTOR, details: { cycle: renewal.cycleNumber, attempt: renewal.attempts, code, reason: running ? 'payment_failed' : null },
    audit: running ? CommerceAuditActions.subscriptionCancelled : CommerceAuditActions.subscriptionRenewalFailed, at,
  });
  if (running) {
    await recordEvent(tx, sub.tenantId, {
      name: 'subscription.cancelled', patientId: sub.patientId, subject: { subscriptionId: sub.id, productId: sub.productId }, actor: SYSTEM_ACTOR, at,
    });
    await enqueueSubscriptionNotice(tx, {
      tenantId: sub.tenantId, patientId: sub.patientId, kind: 'cancelled_unpaid', event: `subscription:cancelled-unpaid:${sub.id}`,
      amount, retryAt: null, timeZone: clinic.zone,
    });
  }
  return running ? 'cancelled' : 'failed';
}

/**
 * Gives up a renewal nobody will pay: abandoned, its unpaid order cancelled and its invoice
 * voided. A renewal whose payment is still with the provider is left to that payment's outcome.
 * Used after the last retry and when a past-due subscription is cancelled.
 */
export async function abandonRenewal(tx: Executor, tenantId: string, renewal: Pick<SubscriptionRenewal, 'id' | 'orderId' | 'invoiceId' | 'lastPaymentId'>, actor: SubscriptionActorRef, at: Date = now()): Promise<boolean> {
  if (renewal.lastPaymentId) {
    const [held] = await tx.select({ id: payments.id }).from(payments)
      .where(and(eq(payments.tenantId, tenantId), eq(payments.id, renewal.lastPaymentId), inArray(payments.status, ['pending', 'requires_action'])));
    if (held) return false;
  }
  await tx.update(subscriptionRenewals).set({ status: 'abandoned', leaseUntil: null, updatedAt: at })
    .where(and(eq(subscriptionRenewals.tenantId, tenantId), eq(subscriptionRenewals.id, renewal.id)));
  if (renewal.orderId) {
    const order = await lockOrder(tx, tenantId, renewal.orderId);
    if (order && UNPAID_ORDER_STATUSES.includes(order.status)) {
      await moveLockedOrder(tx, order, 'cancelled', { kind: actor.kind, id: actor.id ?? null }, PAYMENT_FAILED_REASON);
    }
  }
  if (renewal.invoiceId) await voidUnpaidInvoice(tx, tenantId, renewal.invoiceId, 'Subscription renewal not paid', { kind: actor.kind, id: actor.id ?? null });
  return true;
}
