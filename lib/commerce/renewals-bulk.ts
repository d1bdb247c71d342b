import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor, Transaction } from '@/db/client';
import {
  orderLines, orders, subscriptionRenewals, subscriptions,
  type Order, type Payment, type ProductPhase, type Subscription, type SubscriptionRenewal,
} from '@/db/schema';
import { PaymentsUnavailableError, type ClinicGateway } from '@/lib/billing/gateway';
import { GatewayUnavailableError, type GatewayPaymentResult, type PaymentSource } from '@/lib/billing/gateway/types';
import { issueInvoices } from '@/lib/billing/invoices';
import { chooseOffSessionCard, offSessionCardsOf, type OffSessionCard } from '@/lib/billing/off-session';
import { startFreshPayments, type SystemAudit } from '@/lib/billing/payments';
import { applySucceededPayments, type SettleActor } from '@/lib/billing/settle';
import { recordEvents } from '@/lib/engagement/events';
import { errorSummary } from '@/lib/kernel/errors';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { CommerceAuditActions } from './audit-actions';
import { moveLockedOrders, recordOrdersCreated, type OrderActor } from './order-transitions';
import { takeOrderNumbers } from './settings';
import { recordSubscriptionEvents, type SubscriptionActorRef } from './subscription-events';
import { afterCharge, couponApplies, cycleAfter, nextChargePhase, renewalLine, type CouponTerms } from './subscription-rules';

/**
 * The renewal job's pass, set-based (issue 21: 10,000 renewals in a minute). Each statement of
 * the one-by-one path (renewals.ts) costs the job's process about half a millisecond of CPU, so
 * a pass does the plain renewals — a due cycle charged to the default card it names, which the
 * provider takes — in a fixed number of statements however many there are:
 * 1. Make, in one transaction under the subscriptions' and renewals' locks (the job's lock order):
 *    every renewal's invoice (issueInvoices), pending payment with its key `renewal:<id>:1`
 *    (startFreshPayments), order with its line and history, each written once as a multi-row
 *    INSERT, the clinic's order and invoice counters moved once by their count, last.
 * 2. Charge: the provider is called for each payment with its own key, as the one-by-one path
 *    calls it (a provider call cannot be batched).
 * 3. Settle and record, in one transaction: the pairs locked again, then the payments settled
 *    together (applySucceededPayments: ledger, invoices, orders, receipts), then every
 *    subscription moved on to its next cycle.
 * Anything else — a skip, a free cycle, an ended product, a card that may not be charged, a
 * decline, a charge waiting for the bank, a renewal already started — is handed back to the
 * one-by-one path (renewals.ts renew), which does the same from wherever the renewal stands: a
 * payment already written is repeated with its own key, so the provider answers with its first
 * result. The rows, events, audit entries and notices are those of the one-by-one path
 * (tests/integration/commerce-renewals-bulk.int.test.ts compares them).
 */

export type RenewalOutcome = 'succeeded' | 'failed' | 'cancelled' | 'ended' | 'waiting' | 'skipped';

export interface ClaimedRenewal {
  id: string;
  tenantId: string;
  subscriptionId: string;
  cycleNumber: number;
  leaseUntil: Date;
  /** Its order and invoice were made by an earlier attempt (a retry, or a run that stopped). */
  hasOrder: boolean;
}

export interface RenewalProductTerms {
  name: string;
  taxable: boolean;
  phases: ProductPhase[];
}

export interface RenewalClinicTerms {
  zone: string;
  currency: string;
  taxRateBp: number;
  retryDays: number[];
  gateway: ClinicGateway | PaymentsUnavailableError;
}

/** What the pass reads once per clinic, product and coupon (renewals.ts RenewalRun). */
export interface RenewalTermsSource {
  clinic(tenantId: string): Promise<RenewalClinicTerms>;
  product(db: Executor, tenantId: string, productId: string): Promise<RenewalProductTerms>;
  coupon(db: Executor, tenantId: string, couponId: string): Promise<CouponTerms | null>;
}

const SYSTEM_AUDIT: SystemAudit = { system: 'subscription-renewals' };
const SYSTEM_SETTLE: SettleActor = { kind: 'system' };
const SYSTEM_ACTOR: SubscriptionActorRef = { kind: 'system', label: 'subscription-renewals' };
const SYSTEM_ORDER: OrderActor = { kind: 'system' };

/**
 * A paid cycle's move of its subscription (recordSuccess's, shared with renewals.ts): the phase
 * charged, the next state, and whether it ends the subscription. A subscription cancelled while
 * its charge was in flight keeps its status and dates.
 */
export function successChange(sub: Subscription, phases: readonly ProductPhase[], zone: string, at: Date) {
  const phase = nextChargePhase(phases, sub.phasePosition, sub.cyclesInPhase) ?? phases.find((p) => p.position === sub.phasePosition)!;
  const next = afterCharge(phases, sub, phase);
  const running = sub.status === 'active' || sub.status === 'past_due';
  const ends = running && next.ended;
  const nextCycleAt = !running ? sub.nextCycleAt : ends ? null : cycleAfter(sub.nextCycleAt ?? at, phase, sub.anchorDay, zone, at);
  const status = !running ? sub.status : ends ? 'ended' : 'active';
  const couponCyclesLeft = sub.couponCyclesLeft !== null && sub.couponCyclesLeft > 0 ? sub.couponCyclesLeft - 1 : sub.couponCyclesLeft;
  return { phase, next, ends, nextCycleAt, status: status as Subscription['status'], couponCyclesLeft };
}

/** Due under the pair's locks (renewals.ts dueTerms's test). */
export function isDue(sub: Subscription, renewal: SubscriptionRenewal, at: Date): boolean {
  const due = (sub.status === 'active' && sub.nextCycleAt !== null && sub.nextCycleAt <= at)
    || (sub.status === 'past_due' && sub.nextRetryAt !== null && sub.nextRetryAt <= at);
  return due && sub.cyclesBilled + 1 === renewal.cycleNumber && renewal.status !== 'succeeded' && renewal.status !== 'abandoned';
}

const shipColumns = {
  shipName: orders.shipName, shipLine1: orders.shipLine1, shipLine2: orders.shipLine2, shipCity: orders.shipCity,
  shipRegion: orders.shipRegion, shipPostalCode: orders.shipPostalCode, shipCountry: orders.shipCountry,
};
type ShipTo = { [K in keyof typeof shipColumns]: string | null };

/** The claimed pairs of one clinic, locked in one statement (subscription, then renewal), with the first order's address. */
async function lockPairs(tx: Executor, tenantId: string, claimed: readonly ClaimedRenewal[]) {
  const rows = await tx.select({ sub: subscriptions, renewal: subscriptionRenewals, shipTo: shipColumns })
    .from(subscriptions)
    .innerJoin(subscriptionRenewals, and(
      eq(subscriptionRenewals.tenantId, subscriptions.tenantId), eq(subscriptionRenewals.subscriptionId, subscriptions.id),
      inArray(subscriptionRenewals.id, claimed.map((c) => c.id)),
    ))
    .leftJoin(orders, and(eq(orders.tenantId, subscriptions.tenantId), eq(orders.id, subscriptions.firstOrderId)))
    .where(and(eq(subscriptions.tenantId, tenantId), inArray(subscriptions.id, claimed.map((c) => c.subscriptionId))))
    .orderBy(subscriptions.id)
    .for('update', { of: [subscriptions, subscriptionRenewals] });
  return new Map(rows.map((r) => [r.renewal.id, r as { sub: Subscription; renewal: SubscriptionRenewal; shipTo: ShipTo | null }]));
}

interface Made {
  claimed: ClaimedRenewal;
  payment: Payment;
  source: PaymentSource;
}

export interface BulkResult {
  outcomes: RenewalOutcome[];
  errors: number;
  /** For the one-by-one path, from where each stands. */
  handOver: ClaimedRenewal[];
}

/** The plain renewals of a pass, clinic by clinic; the rest handed back. */
export async function renewInBulk(db: Database, terms: RenewalTermsSource, claimed: readonly ClaimedRenewal[], at: Date, concurrency: number): Promise<BulkResult> {
  const result: BulkResult = { outcomes: [], errors: 0, handOver: claimed.filter((c) => c.hasOrder) };
  const byClinic = new Map<string, ClaimedRenewal[]>();
  for (const c of claimed) if (!c.hasOrder) byClinic.set(c.tenantId, [...(byClinic.get(c.tenantId) ?? []), c]);
  for (const [tenantId, group] of byClinic) await renewClinic(db, terms, tenantId, group, at, concurrency, result);
  return result;
}

async function renewClinic(
  db: Database, terms: RenewalTermsSource, tenantId: string, group: ClaimedRenewal[], at: Date, concurrency: number, result: BulkResult,
): Promise<void> {
  const clinic = await terms.clinic(tenantId);
  if (clinic.gateway instanceof PaymentsUnavailableError) {
    result.handOver.push(...group);
    return;
  }
  const gateway = clinic.gateway;
  let made: Made[];
  try {
    made = await makePass(db, terms, tenantId, group, clinic, gateway, at);
  } catch (error) {
    // Nothing of it was kept: each renewal is made one by one instead (one bad row fails alone).
    console.warn(`subscription renewals: bulk make ${errorSummary(error)}`);
    result.handOver.push(...group);
    return;
  }
  const bulk = new Set(made.map((m) => m.claimed.id));
  result.handOver.push(...group.filter((c) => !bulk.has(c.id)));
  if (made.length === 0) return;

  // The provider, `concurrency` at a time, each payment with its own key.
  const answers = new Map<string, GatewayPaymentResult>();
  let next = 0;
  const worker = async () => {
    while (next < made.length) {
      const m = made[next++]!;
      try {
        answers.set(m.claimed.id, await gateway.gateway.createPayment(gateway.account, {
          amount: m.payment.amount, currency: m.payment.currency, idempotencyKey: m.payment.idempotencyKey, source: m.source,
          metadata: { carebridge_payment_id: m.payment.id },
        }));
      } catch (error) {
        if (error instanceof GatewayUnavailableError) {
          result.outcomes.push('waiting');
        } else {
          result.errors++;
          console.warn(`subscription renewals: renewal ${m.claimed.id} ${errorSummary(error)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, made.length)) }, worker));
  const succeeded = made.filter((m) => answers.get(m.claimed.id)?.status === 'succeeded');
  // A decline, a bank's check or a charge still processing: the one-by-one path repeats the call
  // with the same key and applies the provider's first answer.
  for (const m of made) {
    const answer = answers.get(m.claimed.id);
    if (answer && answer.status !== 'succeeded') result.handOver.push({ ...m.claimed, hasOrder: true });
  }
  if (succeeded.length === 0) return;
  let recorded: Map<string, RenewalOutcome>;
  try {
    recorded = await settlePass(db, terms, tenantId, succeeded, answers, clinic, at);
  } catch (error) {
    // As a crash after the provider answered: the payments stay pending and the next run, once
    // the leases are over, repeats the calls with the same keys (renewals.ts).
    console.warn(`subscription renewals: bulk settlement ${errorSummary(error)}`);
    result.errors += succeeded.length;
    return;
  }
  for (const m of succeeded) {
    const outcome = recorded.get(m.claimed.id);
    if (outcome) result.outcomes.push(outcome);
    else result.handOver.push({ ...m.claimed, hasOrder: true });
  }
}

/**
 * Step 1 for one clinic: under the pairs' locks, the plain renewals' invoices, payments and
 * orders. A renewal that is not plain is left untouched (handed back by the caller).
 */
async function makePass(
  db: Database, terms: RenewalTermsSource, tenantId: string, group: ClaimedRenewal[], clinic: RenewalClinicTerms, gateway: ClinicGateway, at: Date,
): Promise<Made[]> {
  return db.transaction(async (tx) => {
    const pairs = await lockPairs(tx, tenantId, group);
    const seenPatients = new Set<string>();
    const plain: { claimed: ClaimedRenewal; sub: Subscription; renewal: SubscriptionRenewal; shipTo: ShipTo | null; product: RenewalProductTerms; phase: ProductPhase; coupon: CouponTerms | null; line: ReturnType<typeof renewalLine> }[] = [];
    for (const claimed of group) {
      const pair = pairs.get(claimed.id);
      if (!pair) continue;
      const { sub, renewal, shipTo } = pair;
      // A fresh claim of a due cycle only; one subscription of a patient a pass (cards are read by patient).
      if (!isDue(sub, renewal, at) || renewal.orderId || renewal.attempts !== 0 || renewal.status !== 'charging' || seenPatients.has(sub.patientId)) continue;
      const product = await terms.product(tx, tenantId, sub.productId);
      const phase = nextChargePhase(product.phases, sub.phasePosition, sub.cyclesInPhase);
      if (!phase) continue;
      const coupon = couponApplies(sub.couponId, sub.couponCyclesLeft) ? await terms.coupon(tx, tenantId, sub.couponId!) : null;
      const line = renewalLine(phase.unitAmount, coupon, product.taxable ? clinic.taxRateBp : 0);
      if (line.total <= 0) continue;
      seenPatients.add(sub.patientId);
      plain.push({ claimed, sub, renewal, shipTo, product, phase, coupon, line });
    }
    if (plain.length === 0) return [];
    const cards = await offSessionCardsOf(tx, tenantId, plain.map((p) => ({ patientId: p.sub.patientId, namedCardId: p.sub.savedCardId })));
    const [year, month] = zonedDate(at, clinic.zone).split('-').map(Number) as [number, number];
    const chargeable = plain.flatMap((p) => {
      const choice = chooseOffSessionCard(cards.get(p.sub.patientId) ?? [], 'subscriptions', p.line.total, clinic.currency, { year, month });
      // A refusal, another card than the subscription's, another provider's card or no customer there: one by one.
      if (choice.refusal !== null || choice.card.id !== p.sub.savedCardId || choice.card.gateway !== gateway.kind || !choice.card.customerRef) return [];
      return [{ ...p, card: choice.card as OffSessionCard & { customerRef: string } }];
    });
    if (chargeable.length === 0) return [];
    const madeRows: Made[] = [];
    await issueInvoices(tx, tenantId, chargeable.map((p) => ({
      patientId: p.sub.patientId, actor: { kind: 'system' as const }, source: 'renewal' as const,
      lines: [{ kind: 'product' as const, serviceId: null, description: p.product.name, quantity: 1, unitAmount: p.phase.unitAmount, discountAmount: p.line.discountAmount, taxRateBp: p.product.taxable ? clinic.taxRateBp : 0 }],
    })), async (invoices) => {
      const items = chargeable.map((p, i) => ({ ...p, invoice: invoices[i]!, key: `renewal:${p.renewal.id}:1` }));
      const pending = await startFreshPayments(tx, tenantId, items.map((p) => ({
        patientId: p.sub.patientId, invoiceId: p.invoice.id, amount: p.invoice.total, currency: p.invoice.currency, method: 'card_on_file' as const,
        purpose: 'subscriptions' as const, gateway: gateway.kind, idempotencyKey: p.key, savedCardId: p.card.id, sourceRef: p.card.paymentMethodRef,
      })), SYSTEM_AUDIT);
      // The clinic's order counter, once for all of them; held from here to the commit.
      const firstNumber = await takeOrderNumbers(tx, tenantId, items.length);
      const made = await tx.insert(orders).values(items.map((p, i) => ({
        tenantId, number: firstNumber + i, patientId: p.sub.patientId, kind: 'renewal' as const, status: 'pending' as const, subscriptionId: p.sub.id, invoiceId: p.invoice.id,
        couponId: p.coupon ? p.sub.couponId : null, currency: p.invoice.currency,
        subtotal: p.line.subtotal, discountTotal: p.line.discountAmount, taxTotal: p.line.taxAmount, total: p.line.total,
        ...(p.shipTo ?? {}), createdAt: at, updatedAt: at, statusSince: at,
      }))).returning({ id: orders.id, status: orders.status, tenantId: orders.tenantId, invoiceId: orders.invoiceId });
      const orderOf = new Map(made.map((o) => [o.invoiceId, o]));
      await tx.insert(orderLines).values(items.map((p) => ({
        tenantId, orderId: orderOf.get(p.invoice.id)!.id, position: 0, productId: p.sub.productId, description: p.product.name, quantity: 1, unitAmount: p.phase.unitAmount,
        discountAmount: p.line.discountAmount, taxAmount: p.line.taxAmount, total: p.line.total, phasePosition: p.phase.position, cycleNumber: p.renewal.cycleNumber,
      })));
      await recordOrdersCreated(tx, made, SYSTEM_ORDER);
      const values = sql.join(items.map((p, i) => sql`(${p.renewal.id}::uuid, ${orderOf.get(p.invoice.id)!.id}::uuid, ${p.invoice.id}::uuid, ${pending[i]!.id}::uuid)`), sql`, `);
      await tx.update(subscriptionRenewals)
        .set({ status: 'charging', attempts: 1, orderId: sql`v.order_id`, invoiceId: sql`v.invoice_id`, lastPaymentId: sql`v.payment_id`, updatedAt: at })
        .from(sql`(values ${values}) as v(id, order_id, invoice_id, payment_id)`)
        .where(and(eq(subscriptionRenewals.tenantId, tenantId), sql`${subscriptionRenewals.id} = v.id`));
      items.forEach((p, i) => madeRows.push({
        claimed: p.claimed, payment: pending[i]!, source: { kind: 'saved', customerRef: p.card.customerRef, paymentMethodRef: p.card.paymentMethodRef },
      }));
    });
    return madeRows;
  });
}

/**
 * Step 3 for one clinic: the pairs locked again, the payments settled together, and each renewal
 * still charging recorded as recordSuccess records it. Returns the outcome of each renewal it
 * recorded; a renewal recorded already (or whose payment another settled first) is left to the
 * one-by-one path.
 */
async function settlePass(
  db: Database, terms: RenewalTermsSource, tenantId: string, succeeded: Made[], answers: Map<string, GatewayPaymentResult>, clinic: RenewalClinicTerms, at: Date,
): Promise<Map<string, RenewalOutcome>> {
  return db.transaction(async (tx: Transaction) => {
    const pairs = await lockPairs(tx, tenantId, succeeded.map((m) => m.claimed));
    const { settled, orders: moved } = await applySucceededPayments(tx, tenantId, succeeded.map((m) => ({ paymentId: m.payment.id, result: answers.get(m.claimed.id)! })), SYSTEM_SETTLE);
    const settledIds = new Set(settled.map((p) => p.id));
    const orderOf = new Map(moved.map((o) => [o.id, o]));
    const recordable = succeeded.flatMap((m) => {
      const pair = pairs.get(m.claimed.id);
      if (!pair || pair.renewal.status !== 'charging' || pair.renewal.lastPaymentId !== m.payment.id || !settledIds.has(m.payment.id)) return [];
      const order = pair.renewal.orderId ? orderOf.get(pair.renewal.orderId) : undefined;
      if (!order) return [];
      return [{ m, ...pair, order }];
    });
    if (recordable.length === 0) return new Map();
    const changes = await Promise.all(recordable.map(async (r) => ({
      ...r, change: successChange(r.sub, (await terms.product(tx, tenantId, r.sub.productId)).phases, clinic.zone, at),
    })));
    const subValues = sql.join(changes.map(({ sub, change }) => sql`(${sub.id}::uuid, ${change.status}::text, ${change.next.phasePosition}::int, ${change.next.cyclesInPhase}::int,
      ${change.next.cyclesBilled}::int, ${change.nextCycleAt?.toISOString() ?? null}::timestamptz, ${change.couponCyclesLeft}::int, ${change.ends}::boolean)`), sql`, `);
    await tx.update(subscriptions)
      .set({
        status: sql`v.status`, phasePosition: sql`v.phase_position`, cyclesInPhase: sql`v.cycles_in_phase`, cyclesBilled: sql`v.cycles_billed`, nextCycleAt: sql`v.next_cycle_at`,
        failedAttempts: 0, nextRetryAt: null, pastDueSince: null, couponCyclesLeft: sql`v.coupon_cycles_left`,
        endedAt: sql`case when v.ends then ${at.toISOString()}::timestamptz else ${subscriptions.endedAt} end`, updatedAt: at,
      })
      .from(sql`(values ${subValues}) as v(id, status, phase_position, cycles_in_phase, cycles_billed, next_cycle_at, coupon_cycles_left, ends)`)
      .where(and(eq(subscriptions.tenantId, tenantId), sql`${subscriptions.id} = v.id`));
    await tx.update(subscriptionRenewals).set({ status: 'succeeded', leaseUntil: null, updatedAt: at })
      .where(and(eq(subscriptionRenewals.tenantId, tenantId), inArray(subscriptionRenewals.id, changes.map((c) => c.renewal.id))));
    await moveLockedOrders(tx, changes.map((c) => c.order).filter((o: Order) => o.status === 'processing'), 'awaiting_fulfilment', SYSTEM_ORDER);
    await recordSubscriptionEvents(tx, changes.map(({ sub, renewal, change, m }) => ({
      tenantId, subscriptionId: sub.id, patientId: sub.patientId, action: change.ends ? 'ended' as const : 'renewed' as const, from: sub.status, to: change.status, actor: SYSTEM_ACTOR,
      details: { cycle: renewal.cycleNumber, phase: change.phase.position, orderId: renewal.orderId, paymentId: m.payment.id, nextCycleAt: change.nextCycleAt?.toISOString() ?? null },
      audit: CommerceAuditActions.subscriptionRenewed, at,
    })));
    await recordEvents(tx, changes.map(({ sub, renewal }) => ({
      tenantId, input: { name: 'subscription.renewed' as const, patientId: sub.patientId, subject: { subscriptionId: sub.id, productId: sub.productId, cycle: renewal.cycleNumber }, actor: SYSTEM_ACTOR, at },
    })));
    return new Map(changes.map((c) => [c.m.claimed.id, c.change.ends ? 'ended' as const : 'succeeded' as const]));
  });
}
