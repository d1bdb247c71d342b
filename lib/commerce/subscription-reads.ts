import 'server-only';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  coupons, orders, patients, products, savedCards, subscriptionEvents, subscriptionRenewals, subscriptions,
  type IntervalUnit, type RenewalStatus, type SubscriptionStatus,
} from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { chooseOffSessionCard, offSessionCards } from '@/lib/billing/off-session';
import { getBillingSettings } from '@/lib/billing/settings';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { getCommerceSettings } from './settings';
import type { SubscriptionListQuery } from './subscription-forms';
import { couponApplies, nextChargePhase, renewalLine, rescheduleBounds, STAFF_LIMITS, type SubscriptionLimits } from './subscription-rules';

/**
 * Reading subscriptions: the portal's list and page (the selected patient's only) and the EMR's
 * list and page (orders.view). Each list is one statement (the product's phases as JSON beside
 * each row); the amount of the next payment is worked out as the renewal job will charge it:
 * the phase that charges next, less the coupon while it lasts, taxed as the checkout taxes.
 */

export interface PhaseView {
  position: number;
  unitAmount: number;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  cycles: number | null;
}

export interface SubscriptionSummary {
  id: string;
  patientId: string;
  patientName: string;
  recordNumber: string;
  productId: string;
  productName: string;
  status: SubscriptionStatus;
  phasePosition: number;
  cyclesInPhase: number;
  cyclesBilled: number;
  nextCycleAt: Date | null;
  pausedUntil: string | null;
  nextRetryAt: Date | null;
  pastDueSince: Date | null;
  failedAttempts: number;
  cancelledAt: Date | null;
  cancelledBy: 'patient' | 'staff' | 'system' | null;
  cancelReason: string | null;
  endedAt: Date | null;
  createdAt: Date;
  savedCardId: string | null;
  phases: PhaseView[];
  currency: string;
  /** The price of the phase now running (what the last cycle cost before coupon and tax). */
  currentAmount: number | null;
  /** What the next renewal will charge (coupon and tax included), null when none is coming. */
  nextAmount: number | null;
  /** The phase that charges next, when one does. */
  nextPhasePosition: number | null;
  couponApplies: boolean;
}

const phasesJson = sql<PhaseView[]>`coalesce((
  select json_agg(json_build_object(
    'position', ph.position, 'unitAmount', ph.unit_amount, 'intervalUnit', ph.interval_unit,
    'intervalCount', ph.interval_count, 'cycles', ph.cycles
  ) order by ph.position)
  from product_phases ph
  where ph.tenant_id = "subscriptions"."tenant_id" and ph.product_id = "subscriptions"."product_id"
), '[]'::json)`;

const columns = {
  id: subscriptions.id, patientId: subscriptions.patientId, productId: subscriptions.productId, productName: products.name, taxable: products.taxable,
  patientName: sql<string>`${patients.firstName} || ' ' || ${patients.lastName}`, recordNumber: patients.recordNumber,
  status: subscriptions.status, phasePosition: subscriptions.phasePosition, cyclesInPhase: subscriptions.cyclesInPhase, cyclesBilled: subscriptions.cyclesBilled,
  nextCycleAt: subscriptions.nextCycleAt, pausedUntil: subscriptions.pausedUntil, nextRetryAt: subscriptions.nextRetryAt, pastDueSince: subscriptions.pastDueSince,
  failedAttempts: subscriptions.failedAttempts, cancelledAt: subscriptions.cancelledAt, cancelledBy: subscriptions.cancelledBy, cancelReason: subscriptions.cancelReason,
  endedAt: subscriptions.endedAt, createdAt: subscriptions.createdAt, savedCardId: subscriptions.savedCardId,
  couponId: subscriptions.couponId, couponCyclesLeft: subscriptions.couponCyclesLeft,
  couponKind: coupons.kind, couponPercentBp: coupons.percentBp, couponAmountOff: coupons.amountOff,
  phases: phasesJson,
};

async function readSummaries(db: Executor, tenantId: string, where: SQL | undefined, options: { order?: SQL[]; limit?: number; offset?: number } = {}): Promise<SubscriptionSummary[]> {
  const billing = await getBillingSettings(db, tenantId);
  const rows = await db.select(columns)
    .from(subscriptions)
    .innerJoin(products, and(eq(products.tenantId, subscriptions.tenantId), eq(products.id, subscriptions.productId)))
    .innerJoin(patients, and(eq(patients.tenantId, subscriptions.tenantId), eq(patients.id, subscriptions.patientId)))
    .leftJoin(coupons, and(eq(coupons.tenantId, subscriptions.tenantId), eq(coupons.id, subscriptions.couponId)))
    .where(and(eq(subscriptions.tenantId, tenantId), where))
    .orderBy(...(options.order ?? [desc(subscriptions.createdAt)]))
    .limit(options.limit ?? 200)
    .offset(options.offset ?? 0);
  return rows.map((r) => {
    const { taxable, couponId, couponCyclesLeft, couponKind, couponPercentBp, couponAmountOff, ...base } = r;
    const running = base.status === 'active' || base.status === 'paused' || base.status === 'past_due';
    const phase = running ? nextChargePhase(base.phases, base.phasePosition, base.cyclesInPhase) : null;
    const withCoupon = couponApplies(couponId, couponCyclesLeft) && couponKind !== null;
    const coupon = withCoupon ? { kind: couponKind!, percentBp: couponPercentBp, amountOff: couponAmountOff } : null;
    return {
      ...base,
      currency: billing.currency,
      currentAmount: base.phases.find((p) => p.position === base.phasePosition)?.unitAmount ?? null,
      nextAmount: phase ? renewalLine(phase.unitAmount, coupon, taxable ? billing.defaultTaxRateBp : 0).total : null,
      nextPhasePosition: phase?.position ?? null,
      couponApplies: withCoupon,
    };
  });
}

export interface SubscriptionEventView {
  id: string;
  action: string;
  fromStatus: SubscriptionStatus | null;
  toStatus: SubscriptionStatus | null;
  actorKind: 'patient' | 'staff' | 'system';
  occurredAt: Date;
  details: Record<string, unknown>;
}

async function eventsOf(db: Executor, tenantId: string, subscriptionId: string): Promise<SubscriptionEventView[]> {
  const rows = await db.select({
    id: subscriptionEvents.id, action: subscriptionEvents.action, fromStatus: subscriptionEvents.fromStatus, toStatus: subscriptionEvents.toStatus,
    actorKind: subscriptionEvents.actorKind, occurredAt: subscriptionEvents.occurredAt, details: subscriptionEvents.details,
  }).from(subscriptionEvents)
    .where(and(eq(subscriptionEvents.tenantId, tenantId), eq(subscriptionEvents.subscriptionId, subscriptionId)))
    .orderBy(desc(subscriptionEvents.occurredAt), desc(subscriptionEvents.id))
    .limit(100);
  return rows.map((e) => ({ ...e, details: parseDetails(e.details) }));
}

function parseDetails(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface NextCardView {
  /** The card the next renewal will charge, if one may be charged. */
  card: { id: string; brand: string; last4: string; expMonth: number; expYear: number } | null;
  /** Why no card may be charged for it (no card, not authorised, expired), else null. */
  problem: 'no-card' | 'not-authorised' | 'expired' | 'over-limit' | null;
}

/** Which card the next renewal would charge, as the job chooses it, and what stops it. */
async function nextCard(db: Executor, tenantId: string, summary: SubscriptionSummary, zone: string): Promise<NextCardView> {
  const cards = await offSessionCards(db, tenantId, summary.patientId, summary.savedCardId);
  const [year, month] = zonedDate(now(), zone).split('-').map(Number) as [number, number];
  const choice = chooseOffSessionCard(cards, 'subscriptions', Math.max(1, summary.nextAmount ?? 1), summary.currency, { year, month });
  const shown = choice.card ?? cards.find((c) => c.id === summary.savedCardId) ?? null;
  const card = shown ? { id: shown.id, brand: shown.brand, last4: shown.last4, expMonth: shown.expMonth, expYear: shown.expYear } : null;
  if (choice.refusal === null) return { card, problem: null };
  const problem = !choice.card ? 'no-card'
    : choice.refusal.includes('expired') ? 'expired'
    : choice.refusal.includes('up to') ? 'over-limit'
    : 'not-authorised';
  return { card, problem };
}

/** The card a subscription last used (brand · last4), for lists. */
async function cardsById(db: Executor, tenantId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, { brand: string; last4: string }>();
  const rows = await db.select({ id: savedCards.id, brand: savedCards.brand, last4: savedCards.last4 }).from(savedCards)
    .where(and(eq(savedCards.tenantId, tenantId), inArray(savedCards.id, ids)));
  return new Map(rows.map((r) => [r.id, { brand: r.brand, last4: r.last4 }]));
}

// ---------------------------------------------------------------------------------------------
// Portal

/** The selected patient's subscriptions: running ones first, then the rest, newest first. */
export async function listPortalSubscriptions(db: Executor, ctx: PortalContext): Promise<SubscriptionSummary[]> {
  await assertPortalArea(db, ctx, 'orders');
  return readSummaries(db, ctx.tenant.id, eq(subscriptions.patientId, ctx.patient.id), {
    order: [sql`case ${subscriptions.status} when 'past_due' then 0 when 'active' then 1 when 'paused' then 2 else 3 end`, desc(subscriptions.createdAt)],
    limit: 100,
  });
}

export interface PortalSubscriptionPage {
  subscription: SubscriptionSummary;
  nextCard: NextCardView;
  events: SubscriptionEventView[];
  /** What the patient may do, from the clinic's settings. */
  limits: SubscriptionLimits;
  zone: string;
  today: string;
  /** The dates the next payment may move to (the date field's min and max), when it may. */
  rescheduleRange: { min: string; max: string } | null;
  /** The last day a pause may run to. */
  pauseMax: string;
}

/** One subscription of the selected patient; another patient's or clinic's answers not found. */
export async function getPortalSubscription(db: Executor, ctx: PortalContext, subscriptionId: string): Promise<PortalSubscriptionPage> {
  await assertPortalArea(db, ctx, 'orders');
  if (!isUuid(subscriptionId)) throw new NotFoundError('subscription');
  const [subscription] = await readSummaries(db, ctx.tenant.id, and(eq(subscriptions.patientId, ctx.patient.id), eq(subscriptions.id, subscriptionId)));
  if (!subscription) throw new NotFoundError('subscription');
  return pageOf(db, ctx.tenant.id, subscription, await getCommerceSettings(db, ctx.tenant.id));
}

async function pageOf(db: Executor, tenantId: string, subscription: SubscriptionSummary, limits: SubscriptionLimits): Promise<PortalSubscriptionPage> {
  const zone = await clinicTimeZone(db, tenantId);
  const [card, events] = await Promise.all([nextCard(db, tenantId, subscription, zone), eventsOf(db, tenantId, subscription.id)]);
  const today = zonedDate(now(), zone);
  const due = rescheduledFrom(events) ?? (subscription.nextCycleAt ? zonedDate(subscription.nextCycleAt, zone) : null);
  return {
    subscription, nextCard: card, events, limits, zone, today,
    rescheduleRange: due && subscription.status === 'active' ? rescheduleBounds(limits, due, today) : null,
    pauseMax: addDaysText(today, limits.maxPauseDays),
  };
}

/** The due date a reschedule this cycle moved from (lib/commerce/subscriptions.ts counts the window from it). */
function rescheduledFrom(events: SubscriptionEventView[]): string | null {
  const last = events.find((e) => ['started', 'renewed', 'skipped', 'resumed', 'rescheduled'].includes(e.action));
  return last?.action === 'rescheduled' && typeof last.details.dueDate === 'string' ? last.details.dueDate : null;
}

function addDaysText(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// EMR (orders.view to read; the page shows the actions to orders.manage)

export type StaffSubscriptionSummary = SubscriptionSummary & { card: { brand: string; last4: string } | null };

export const SUBSCRIPTIONS_PAGE_SIZE = 50;

/**
 * The clinic's subscriptions for the EMR: past due first (they need attention), then by the next
 * payment date; filtered by status and a patient's name or record number.
 */
export async function listSubscriptions(db: Executor, ctx: StaffContext, query: SubscriptionListQuery): Promise<{ rows: StaffSubscriptionSummary[]; more: boolean }> {
  assertPermission(ctx, 'orders.view');
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(subscriptions.status, query.status));
  const q = query.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`(${patients.firstName} || ' ' || ${patients.lastName} ilike ${like} or ${patients.recordNumber} ilike ${like})`);
  }
  const page = Math.max(1, query.page ?? 1);
  const rows = await readSummaries(db, ctx.tenant.id, conditions.length ? and(...conditions) : undefined, {
    order: [
      sql`case ${subscriptions.status} when 'past_due' then 0 when 'active' then 1 when 'paused' then 2 else 3 end`,
      sql`${subscriptions.nextCycleAt} asc nulls last`, desc(subscriptions.createdAt), asc(subscriptions.id),
    ],
    limit: SUBSCRIPTIONS_PAGE_SIZE + 1,
    offset: (page - 1) * SUBSCRIPTIONS_PAGE_SIZE,
  });
  const shown = rows.slice(0, SUBSCRIPTIONS_PAGE_SIZE);
  const cards = await cardsById(db, ctx.tenant.id, [...new Set(shown.map((r) => r.savedCardId).filter((id): id is string => id !== null))]);
  return {
    rows: shown.map((r) => ({ ...r, card: r.savedCardId ? cards.get(r.savedCardId) ?? null : null })),
    more: rows.length > SUBSCRIPTIONS_PAGE_SIZE,
  };
}

export interface RenewalView {
  id: string;
  cycleNumber: number;
  status: RenewalStatus;
  attempts: number;
  orderId: string | null;
  orderNumber: number | null;
  orderStatus: string | null;
  total: number | null;
  createdAt: Date;
}

export interface StaffSubscriptionPage extends PortalSubscriptionPage {
  renewals: RenewalView[];
  firstOrder: { id: string; number: number } | null;
}

/** One subscription of the clinic with its renewals and history; another clinic's is not found. */
export async function getSubscription(db: Executor, ctx: StaffContext, subscriptionId: string): Promise<StaffSubscriptionPage> {
  assertPermission(ctx, 'orders.view');
  if (!isUuid(subscriptionId)) throw new NotFoundError('subscription');
  const [subscription] = await readSummaries(db, ctx.tenant.id, eq(subscriptions.id, subscriptionId));
  if (!subscription) throw new NotFoundError('subscription');
  const [page, renewals, first] = await Promise.all([
    pageOf(db, ctx.tenant.id, subscription, STAFF_LIMITS),
    db.select({
      id: subscriptionRenewals.id, cycleNumber: subscriptionRenewals.cycleNumber, status: subscriptionRenewals.status, attempts: subscriptionRenewals.attempts,
      orderId: subscriptionRenewals.orderId, orderNumber: orders.number, orderStatus: orders.status, total: orders.total, createdAt: subscriptionRenewals.createdAt,
    }).from(subscriptionRenewals)
      .leftJoin(orders, and(eq(orders.tenantId, subscriptionRenewals.tenantId), eq(orders.id, subscriptionRenewals.orderId)))
      .where(and(eq(subscriptionRenewals.tenantId, ctx.tenant.id), eq(subscriptionRenewals.subscriptionId, subscriptionId)))
      .orderBy(desc(subscriptionRenewals.cycleNumber)).limit(100),
    db.select({ id: orders.id, number: orders.number }).from(orders)
      .innerJoin(subscriptions, and(eq(subscriptions.tenantId, orders.tenantId), eq(subscriptions.firstOrderId, orders.id)))
      .where(and(eq(subscriptions.tenantId, ctx.tenant.id), eq(subscriptions.id, subscriptionId))),
  ]);
  return {
    ...page,
    renewals,
    firstOrder: first[0] ?? null,
  };
}
