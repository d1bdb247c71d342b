import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  invoices, ledgerEntries, orders, outboxMessages, payments, productPhases, subscriptionEvents, subscriptionRenewals, subscriptions, testGatewayObjects,
} from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { saveCard } from '@/lib/billing/cards';
import { setClockForTests } from '@/lib/clock';
import { takeOrderNumber } from '@/lib/commerce/settings';
import { startSubscription } from '@/lib/commerce/subscription-start';
import { COMMERCE_TZ, productOf, type CommerceClinic } from './commerce-fixtures';
import { testCard } from './billing-fixtures';

/**
 * Subscriptions for the renewal and subscription tests: a patient of a commerceClinic() with a
 * saved test card authorised for subscription renewals, a paid checkout order and the
 * subscription startSubscription made from it (cycle 1 paid on STARTED_AT, 10:00 in New York).
 */

export const STARTED_AT = new Date('2027-01-15T15:00:00Z');
/** A month later at the renewal time (09:00 New York, EST). */
export const CYCLE_2_AT = new Date('2027-02-15T14:00:00Z');

export const CARDS = { good: '4242424242424242', other: '5555555555554444', declines: '4000000000000341' } as const;

let clock: Date | null = null;
/** Moves lib/clock's time (and what runRenewals is told); `null` gives the real clock back. */
export function at(instant: Date | null): Date {
  clock = instant;
  setClockForTests(instant ? () => clock! : undefined);
  return instant ?? new Date();
}

export async function saveAuthorisedCard(ctx: PortalContext, number: string, scopes: ('subscriptions' | 'invoices')[] = ['subscriptions']) {
  const token = await testCard(ctx.tenant.id, number);
  const saved = await saveCard(getDb(), ctx, { attemptKey: randomUUID(), token, authorize: scopes.length ? { scopes, maxAmount: null } : null });
  if (saved.status !== 'succeeded' || !saved.savedCardId) throw new Error(`card not saved: ${saved.status}`);
  return saved.savedCardId;
}

/** A subscription of `ctx.patient` to `productId`, started at STARTED_AT from a paid checkout order. */
export async function subscribe(w: CommerceClinic, ctx: PortalContext, options: { productId?: string; card?: string | null; couponId?: string | null; couponCyclesLeft?: number | null; startedAt?: Date } = {}) {
  const db = getDb();
  const tenantId = w.tenant.id;
  const startedAt = options.startedAt ?? STARTED_AT;
  at(startedAt);
  const savedCardId = options.card === null ? null : await saveAuthorisedCard(ctx, options.card ?? CARDS.good);
  const productId = options.productId ?? w.subscription.id;
  return db.transaction(async (tx) => {
    const number = await takeOrderNumber(tx, tenantId);
    const [order] = await tx.insert(orders).values({
      tenantId, number, patientId: ctx.patient.id, accountId: ctx.account.id, kind: 'checkout', status: 'awaiting_fulfilment', currency: 'USD',
      subtotal: 9900, total: 9900, shipName: 'Maria Lopez', shipLine1: '1 Main St', shipCity: 'Springfield', shipRegion: 'IL', shipPostalCode: '62701', shipCountry: 'US',
      paidAt: startedAt, createdAt: startedAt,
    }).returning();
    const { id } = await startSubscription(tx, {
      tenantId, patientId: ctx.patient.id, productId, orderId: order!.id, savedCardId, couponId: options.couponId ?? null,
      couponCyclesLeft: options.couponCyclesLeft ?? null, startedAt, timeZone: COMMERCE_TZ,
    });
    return { id, orderId: order!.id, savedCardId };
  });
}

/** A subscription product of one phase: `cycles` payments of `amount` every month. */
export async function fixedTermProduct(tenantId: string, cycles: number, amount = 5000) {
  const product = await productOf(tenantId, { name: `Fixed plan ${randomUUID().slice(0, 6)}`, kind: 'subscription', unitAmount: null, taxable: false });
  await getDb().insert(productPhases).values({ tenantId, productId: product.id, position: 0, unitAmount: amount, intervalUnit: 'month', intervalCount: 1, cycles });
  return product;
}

export async function subscriptionRow(tenantId: string, id: string) {
  const [row] = await getDb().select().from(subscriptions).where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.id, id)));
  return row!;
}

export async function renewalsOf(tenantId: string, id: string) {
  return getDb().select().from(subscriptionRenewals)
    .where(and(eq(subscriptionRenewals.tenantId, tenantId), eq(subscriptionRenewals.subscriptionId, id))).orderBy(asc(subscriptionRenewals.cycleNumber));
}

export async function renewalOrdersOf(tenantId: string, id: string) {
  return getDb().select().from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.subscriptionId, id))).orderBy(asc(orders.number));
}

export async function eventsOf(tenantId: string, id: string) {
  return getDb().select().from(subscriptionEvents)
    .where(and(eq(subscriptionEvents.tenantId, tenantId), eq(subscriptionEvents.subscriptionId, id))).orderBy(asc(subscriptionEvents.occurredAt));
}

export async function paymentsOf(tenantId: string, patientId: string) {
  return getDb().select().from(payments).where(and(eq(payments.tenantId, tenantId), eq(payments.patientId, patientId)));
}

export async function gatewayPaymentObjects(tenantId: string) {
  return getDb().select().from(testGatewayObjects).where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, 'payment')));
}

export async function ledgerPayments(tenantId: string, invoiceId: string) {
  return getDb().select().from(ledgerEntries)
    .where(and(eq(ledgerEntries.tenantId, tenantId), eq(ledgerEntries.invoiceId, invoiceId), eq(ledgerEntries.kind, 'payment')));
}

export async function invoiceRow(tenantId: string, id: string) {
  const [row] = await getDb().select().from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, id)));
  return row!;
}

export async function noticesTo(tenantId: string, keyPrefix: string) {
  const rows = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenantId));
  return rows.filter((r) => r.idempotencyKey.startsWith(keyPrefix));
}
