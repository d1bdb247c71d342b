/**
 * Commerce rows (issue 17) for the suites that attack or fuzz every action: the isolation suite's
 * victim and attacker worlds and the bad-input suite's clinic. Rows are written directly (no lib/
 * call), as those suites seed billing, so a change in commerce code cannot break their set-up.
 *
 * A clinic gets its shop open to new visitors, a one-time product with a picture in storage, a
 * subscription product with two phases (month 1, then every month) requiring the intake form and
 * a photo ID upload, and a coupon for all products. A patient gets: a paid checkout order of the
 * subscription waiting for its requirements (a form assignment from the order and an upload not
 * done yet), the subscription it started (active, with the patient's card and the coupon), its
 * failed renewal with an order awaiting payment (on an open invoice when one is given), and a
 * shipped order of the one-time product with a tracking number and a staff note.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  commerceSettings, couponRedemptions, coupons, formAssignments, formTemplates, formTemplateVersions, orderLines, orderNotes, orderRequirements,
  orders, orderStatusHistory, productPhases, productRequiredForms, productRequiredUploads, products, shipments, subscriptionEvents,
  subscriptionRenewals, subscriptions,
} from '@/db/schema';
import { productImageKey } from '@/lib/commerce/product-images';
import type { ObjectStore } from '@/lib/storage/object-store';
import { PNG_BYTES } from './document-files';

export interface CommerceCatalogIds {
  productId: string;
  subscriptionProductId: string;
  couponId: string;
  requiredUploadId: string;
  /** The stored picture's file name, as /api/commerce/product-images/[file] takes it. */
  productImageFile: string;
}

/** The clinic's intake form (a starter template): what the subscription product requires. */
async function intakeOf(db: Executor, tenantId: string) {
  const [row] = await db
    .select({ templateId: formTemplates.id, versionId: formTemplateVersions.id })
    .from(formTemplates)
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id)))
    .where(and(eq(formTemplates.tenantId, tenantId), eq(formTemplates.kind, 'intake')))
    .limit(1);
  if (!row) throw new Error('commerce world: install the starter forms first');
  return row;
}

/** The shop, open to new visitors, with its products and coupon. `store` keeps the product's picture. */
export async function seedCommerceCatalog(db: Executor, tenantId: string, options: { typeId: string; store?: ObjectStore; couponCode?: string }): Promise<CommerceCatalogIds> {
  await db.insert(commerceSettings).values({ tenantId, shopEnabled: true, openToNewVisitors: true })
    .onConflictDoUpdate({ target: commerceSettings.tenantId, set: { shopEnabled: true, openToNewVisitors: true } });
  const intake = await intakeOf(db, tenantId);
  const productImageFile = `${randomUUID()}.png`;
  const key = productImageKey(tenantId, productImageFile);
  if (options.store) await options.store.put(key, Buffer.from(PNG_BYTES), { contentType: 'image/png', contentLength: PNG_BYTES.length });
  const [product] = await db.insert(products).values({
    tenantId, name: 'Travel kit', description: 'A kit for the road.', kind: 'one_time', unitAmount: 2500, position: 1,
    imageKey: options.store ? key : null, imageAlt: options.store ? 'The kit, closed' : null,
  }).returning({ id: products.id });
  const [plan] = await db.insert(products).values({
    tenantId, name: 'Care plan', description: 'Monthly care.', kind: 'subscription', unitAmount: null, position: 2,
  }).returning({ id: products.id });
  await db.insert(productPhases).values([
    { tenantId, productId: plan!.id, position: 0, unitAmount: 9900, intervalUnit: 'month', intervalCount: 1, cycles: 1 },
    { tenantId, productId: plan!.id, position: 1, unitAmount: 14900, intervalUnit: 'month', intervalCount: 1, cycles: null },
  ]);
  await db.insert(productRequiredForms).values({ tenantId, productId: plan!.id, templateId: intake.templateId });
  const [upload] = await db.insert(productRequiredUploads).values({ tenantId, productId: plan!.id, label: 'Photo ID', documentTypeId: options.typeId }).returning({ id: productRequiredUploads.id });
  const code = options.couponCode ?? 'WELCOME10';
  const [coupon] = await db.insert(coupons).values({
    tenantId, code, codeKey: code.toLowerCase(), kind: 'percent', percentBp: 1000, appliesToAll: true,
  }).returning({ id: coupons.id });
  return { productId: product!.id, subscriptionProductId: plan!.id, couponId: coupon!.id, requiredUploadId: upload!.id, productImageFile };
}

export interface CommerceRecordIds {
  orderId: string;
  renewalOrderId: string;
  shippedOrderId: string;
  orderLineId: string;
  shipmentId: string;
  subscriptionId: string;
  renewalId: string;
  formRequirementId: string;
  uploadRequirementId: string;
  orderAssignmentId: string;
  orderNoteId: string;
}

/**
 * A patient's orders, shipment and subscription. `shipTo` is the name on the orders (a
 * secret in the isolation suite); `noteText` the staff note's body; `openInvoiceId` the renewal
 * order's invoice and `paidInvoiceId` the first order's, when given.
 */
export async function seedCommerceRecords(db: Executor, tenantId: string, catalog: CommerceCatalogIds, who: {
  patientId: string; accountId?: string | null; staffId: string; typeId: string; cardId?: string | null;
  paidInvoiceId?: string | null; openInvoiceId?: string | null; shipTo: string; noteText: string;
}): Promise<CommerceRecordIds> {
  const intake = await intakeOf(db, tenantId);
  const [existing] = await db.select({ n: count() }).from(orders).where(eq(orders.tenantId, tenantId));
  let number = existing?.n ?? 0;
  const ship = { shipName: who.shipTo, shipLine1: '12 Harbour Row', shipCity: 'Springfield', shipRegion: 'IL', shipPostalCode: '62701', shipCountry: 'US' };
  const day = 86_400_000;
  const paidAt = new Date(Date.now() - 10 * day);
  const newOrder = async (values: Partial<typeof orders.$inferInsert> & Pick<typeof orders.$inferInsert, 'kind' | 'status' | 'subtotal' | 'total'>) => {
    const [row] = await db.insert(orders).values({ tenantId, number: ++number, patientId: who.patientId, currency: 'USD', ...ship, ...values }).returning({ id: orders.id });
    await db.insert(orderStatusHistory).values({ tenantId, orderId: row!.id, fromStatus: null, toStatus: values.status, actorKind: 'system' });
    return row!.id;
  };

  // The checkout order of the subscription (10 % off), paid, waiting for the intake and the photo ID.
  const orderId = await newOrder({
    kind: 'checkout', status: 'awaiting_requirements', accountId: who.accountId ?? null, invoiceId: who.paidInvoiceId ?? null, couponId: catalog.couponId,
    subtotal: 9900, discountTotal: 990, total: 8910, paidAt, requirementsDueAt: new Date(Date.now() + 5 * day),
  });
  const [line] = await db.insert(orderLines).values({
    tenantId, orderId, position: 1, productId: catalog.subscriptionProductId, description: 'Care plan', quantity: 1, unitAmount: 9900, discountAmount: 990, total: 8910,
    phasePosition: 0, cycleNumber: 1,
  }).returning({ id: orderLines.id });
  await db.insert(couponRedemptions).values({ tenantId, couponId: catalog.couponId, patientId: who.patientId, orderId, amount: 990 });
  await db.update(coupons).set({ redemptionCount: sql`${coupons.redemptionCount} + 1` }).where(and(eq(coupons.tenantId, tenantId), eq(coupons.id, catalog.couponId)));
  const [assignment] = await db.insert(formAssignments).values({
    tenantId, patientId: who.patientId, templateId: intake.templateId, versionId: intake.versionId, source: 'order',
  }).returning({ id: formAssignments.id });
  const [formRequirement] = await db.insert(orderRequirements).values({
    tenantId, orderId, kind: 'form', label: 'Intake', templateId: intake.templateId, formAssignmentId: assignment!.id,
  }).returning({ id: orderRequirements.id });
  const [uploadRequirement] = await db.insert(orderRequirements).values({
    tenantId, orderId, kind: 'upload', label: 'Photo ID', documentTypeId: who.typeId,
  }).returning({ id: orderRequirements.id });

  // The subscription it started, and the failed renewal of its second month.
  const nextCycleAt = new Date(Date.now() + 20 * day);
  const [subscription] = await db.insert(subscriptions).values({
    tenantId, patientId: who.patientId, productId: catalog.subscriptionProductId, firstOrderId: orderId, status: 'active',
    phasePosition: 1, cyclesInPhase: 0, cyclesBilled: 1, anchorDay: nextCycleAt.getUTCDate(), nextCycleAt,
    savedCardId: who.cardId ?? null, couponId: catalog.couponId, couponCyclesLeft: null,
  }).returning({ id: subscriptions.id });
  await db.insert(subscriptionEvents).values({ tenantId, subscriptionId: subscription!.id, action: 'started', toStatus: 'active', actorKind: 'system' });
  await db.update(orders).set({ subscriptionId: subscription!.id }).where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)));
  const renewalOrderId = await newOrder({
    kind: 'renewal', status: 'awaiting_payment', subscriptionId: subscription!.id, invoiceId: who.openInvoiceId ?? null, subtotal: 14900, total: 14900,
  });
  await db.insert(orderLines).values({
    tenantId, orderId: renewalOrderId, position: 1, productId: catalog.subscriptionProductId, description: 'Care plan', quantity: 1, unitAmount: 14900, total: 14900,
    phasePosition: 1, cycleNumber: 2,
  });
  const [renewal] = await db.insert(subscriptionRenewals).values({
    tenantId, subscriptionId: subscription!.id, cycleNumber: 2, status: 'failed', orderId: renewalOrderId, invoiceId: who.openInvoiceId ?? null, attempts: 1,
  }).returning({ id: subscriptionRenewals.id });

  // A shipped order of the one-time product, with its package and a staff note.
  const shippedOrderId = await newOrder({ kind: 'checkout', status: 'shipped', accountId: who.accountId ?? null, subtotal: 2500, total: 2500, paidAt });
  await db.insert(orderLines).values({ tenantId, orderId: shippedOrderId, position: 1, productId: catalog.productId, description: 'Travel kit', quantity: 1, unitAmount: 2500, total: 2500 });
  const tracking = `9400${Array.from(randomBytes(18), (b) => String(b % 10)).join('')}`;
  const [shipment] = await db.insert(shipments).values({
    tenantId, orderId: shippedOrderId, carrier: 'usps', trackingNumber: tracking, status: 'in_transit', shippedAt: new Date(), createdById: who.staffId,
  }).returning({ id: shipments.id });
  const [note] = await db.insert(orderNotes).values({ tenantId, orderId: shippedOrderId, staffId: who.staffId, body: who.noteText }).returning({ id: orderNotes.id });

  return {
    orderId, renewalOrderId, shippedOrderId, orderLineId: line!.id, shipmentId: shipment!.id, subscriptionId: subscription!.id, renewalId: renewal!.id,
    formRequirementId: formRequirement!.id, uploadRequirementId: uploadRequirement!.id, orderAssignmentId: assignment!.id, orderNoteId: note!.id,
  };
}
