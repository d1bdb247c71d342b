import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { orders, productPhases, products, subscriptionEvents, subscriptions } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { CommerceAuditActions } from './audit-actions';
import { anchorDayOf, nextCycleAt, phaseForCycle, totalCycles } from './cycles';

/**
 * A subscription begins when its checkout order is paid: the checkout charged cycle 1, so the
 * subscription starts with one cycle billed and its next cycle one interval of the first phase
 * later (at the renewal time in the clinic's zone, on the anchor day). A product with one cycle in
 * all is "ended" at once. Called by the checkout (lib/commerce, Helper B's module) inside the
 * transaction that records the payment.
 */

export interface StartSubscriptionInput {
  tenantId: string;
  patientId: string;
  productId: string;
  /** The checkout order that paid cycle 1: with the product, what makes a start happen once. */
  orderId: string;
  savedCardId: string | null;
  couponId: string | null;
  /** Cycles the coupon still lowers after cycle 1 (null: every cycle; 0: none left). */
  couponCyclesLeft: number | null;
  startedAt: Date;
  /** The clinic's time zone (lib/clinic-forms/reminders.ts clinicTimeZone). */
  timeZone: string;
  /** Who caused the start, for the event and the audit (the system by default: a payment settled). */
  actor?: { kind: 'patient' | 'staff' | 'system'; id?: string | null };
}

/**
 * Creates the subscription for one subscription product of a paid checkout order, or returns the
 * one already made for (order, product). The order row is locked first so two settlements of the
 * same order (a webhook racing the request) make one subscription.
 */
export async function startSubscription(tx: Executor, input: StartSubscriptionInput): Promise<{ id: string }> {
  const { tenantId } = input;
  const [order] = await tx.select({ id: orders.id, patientId: orders.patientId }).from(orders)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, input.orderId))).for('update');
  if (!order || order.patientId !== input.patientId) throw new Error('startSubscription: the order is not this patient\'s');
  const [existing] = await tx.select({ id: subscriptions.id }).from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.firstOrderId, input.orderId), eq(subscriptions.productId, input.productId)));
  if (existing) return { id: existing.id };

  const [product] = await tx.select({ kind: products.kind }).from(products)
    .where(and(eq(products.tenantId, tenantId), eq(products.id, input.productId)));
  if (!product || product.kind !== 'subscription') throw new Error('startSubscription: not a subscription product of this clinic');
  const phases = await tx.select().from(productPhases)
    .where(and(eq(productPhases.tenantId, tenantId), eq(productPhases.productId, input.productId)))
    .orderBy(asc(productPhases.position));
  const first = phaseForCycle(phases, 1);
  if (!first) throw new Error('startSubscription: the product has no phases');

  const anchorDay = anchorDayOf(input.startedAt, input.timeZone);
  const ends = totalCycles(phases) === 1;
  const [row] = await tx.insert(subscriptions).values({
    tenantId, patientId: input.patientId, productId: input.productId, firstOrderId: input.orderId,
    status: ends ? 'ended' : 'active',
    phasePosition: first.phase.position, cyclesInPhase: 1, cyclesBilled: 1, anchorDay,
    nextCycleAt: ends ? null : nextCycleAt(input.startedAt, first.phase, anchorDay, input.timeZone),
    savedCardId: input.savedCardId, couponId: input.couponId,
    couponCyclesLeft: input.couponId ? input.couponCyclesLeft : null,
    endedAt: ends ? input.startedAt : null,
    createdAt: input.startedAt, updatedAt: input.startedAt,
  }).returning({ id: subscriptions.id, nextCycleAt: subscriptions.nextCycleAt, status: subscriptions.status });

  const actor = input.actor ?? { kind: 'system' as const };
  const details = { cycle: 1, phase: first.phase.position, nextCycleAt: row!.nextCycleAt?.toISOString() ?? null, orderId: input.orderId };
  await tx.insert(subscriptionEvents).values({
    tenantId, subscriptionId: row!.id, action: 'started', fromStatus: null, toStatus: row!.status,
    actorKind: actor.kind, actorId: actor.id ?? null, details: JSON.stringify(details), occurredAt: input.startedAt,
  });
  await recordAudit(tx, {
    tenantId, actor: { kind: actor.kind, id: actor.id ?? null }, action: CommerceAuditActions.subscriptionStarted,
    patientId: input.patientId, target: { type: 'subscription', id: row!.id },
    details: { ...details, status: row!.status, productId: input.productId, savedCardId: input.savedCardId, couponId: input.couponId },
  });
  return { id: row!.id };
}
