import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  couponRedemptions, coupons, orderLines, orderRequirements, orders, orderStatusHistory, outboxMessages, shipments,
  type Order, type OrderStatus, type Product, type ShipmentStatus,
} from '@/db/schema';
import { recordDeskPayment } from '@/lib/billing/desk';
import { takeOrderNumber } from '@/lib/commerce/settings';
import { openInvoiceOf, key } from './billing-fixtures';
import type { CommerceClinic } from './commerce-fixtures';

/**
 * Orders written directly for the EMR's and the portal's order tests (no checkout code): an
 * order of a patient in any status, with one line per product, its invoice (open, or paid at the
 * desk), requirements, a coupon redemption, shipments and a history row for how it got there.
 */

export interface OrderSpec {
  status: OrderStatus;
  patientId?: string;
  products?: Product[];
  /** Each line's amount (default: the product's price, or $50.00). */
  amount?: number;
  /** 'open': an open invoice for the total; 'paid': the same, paid in cash at the desk. */
  invoice?: 'open' | 'paid' | null;
  couponId?: string;
  createdAt?: Date;
  /** When it reached its status (the history row), default createdAt. */
  since?: Date;
  requirementsDueAt?: Date | null;
  requirements?: { kind: 'form' | 'upload'; label: string; done?: boolean; templateId?: string; formAssignmentId?: string }[];
  shipments?: { carrier: 'usps' | 'ups' | 'fedex' | 'dhl' | 'other'; trackingNumber: string; status: ShipmentStatus }[];
  assignedStaffId?: string | null;
  assignedTeam?: string | null;
}

export async function orderOf(w: CommerceClinic, spec: OrderSpec): Promise<Order & { paymentId: string | null }> {
  const db = getDb();
  const tenantId = w.tenant.id;
  const patientId = spec.patientId ?? w.leo.id;
  const lineProducts = spec.products ?? [w.oneTime];
  const amounts = lineProducts.map((p) => spec.amount ?? p.unitAmount ?? 5_000);
  const total = amounts.reduce((s, a) => s + a, 0);
  let invoiceId: string | null = null;
  let paymentId: string | null = null;
  if (spec.invoice) {
    invoiceId = (await openInvoiceOf(tenantId, patientId, total, 'product')).id;
    if (spec.invoice === 'paid') {
      paymentId = (await recordDeskPayment(db, w.desk, { attemptKey: key(), patientId, invoiceIds: [invoiceId], amount: total, method: 'cash' })).id;
    }
  }
  const number = await takeOrderNumber(db, tenantId);
  const createdAt = spec.createdAt ?? new Date();
  const [order] = await db.insert(orders).values({
    tenantId, number, patientId, accountId: null, kind: 'checkout', status: spec.status, invoiceId, couponId: spec.couponId ?? null, currency: 'USD',
    subtotal: total, total, requirementsDueAt: spec.requirementsDueAt ?? null, paidAt: spec.invoice === 'paid' ? createdAt : null,
    assignedStaffId: spec.assignedStaffId ?? null, assignedTeam: spec.assignedTeam ?? null,
    shipName: 'Leo Lopez', shipLine1: '1 Main St', shipCity: 'Springfield', shipRegion: 'IL', shipPostalCode: '62701', shipCountry: 'US',
    createdAt, updatedAt: spec.since ?? createdAt, statusSince: spec.since ?? createdAt,
  }).returning();
  await db.insert(orderLines).values(lineProducts.map((p, i) => ({
    tenantId, orderId: order!.id, position: i + 1, productId: p.id, description: p.name, quantity: 1, unitAmount: amounts[i]!, total: amounts[i]!,
  })));
  await db.insert(orderStatusHistory).values([
    { tenantId, orderId: order!.id, fromStatus: null, toStatus: 'pending', actorKind: 'system', occurredAt: createdAt },
    ...(spec.status === 'pending' ? [] : [{ tenantId, orderId: order!.id, fromStatus: 'pending' as const, toStatus: spec.status, actorKind: 'system' as const, occurredAt: spec.since ?? createdAt }]),
  ]);
  for (const r of spec.requirements ?? []) {
    await db.insert(orderRequirements).values({
      tenantId, orderId: order!.id, kind: r.kind, label: r.label, templateId: r.kind === 'form' ? r.templateId ?? w.intake.id : null,
      formAssignmentId: r.formAssignmentId ?? null, completedAt: r.done ? new Date() : null,
    });
  }
  for (const s of spec.shipments ?? []) {
    await db.insert(shipments).values({ tenantId, orderId: order!.id, ...s, shippedAt: createdAt, deliveredAt: s.status === 'delivered' ? createdAt : null });
  }
  if (spec.couponId) {
    await db.insert(couponRedemptions).values({ tenantId, couponId: spec.couponId, patientId, orderId: order!.id, amount: 0 });
    const [c] = await db.select().from(coupons).where(eq(coupons.id, spec.couponId));
    await db.update(coupons).set({ redemptionCount: c!.redemptionCount + 1 }).where(eq(coupons.id, spec.couponId));
  }
  return { ...order!, paymentId };
}

/** The order's messages in the outbox whose key names this event (`order:shipped:…`). */
export async function noticesOf(tenantId: string, prefix: string) {
  const rows = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenantId));
  return rows.filter((m) => m.idempotencyKey.startsWith(prefix));
}

export async function orderRow(tenantId: string, id: string) {
  const [row] = await getDb().select().from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.id, id)));
  return row!;
}

export async function historyOf(tenantId: string, orderId: string) {
  return getDb().select().from(orderStatusHistory).where(and(eq(orderStatusHistory.tenantId, tenantId), eq(orderStatusHistory.orderId, orderId)));
}
