import { and, eq, inArray, like, or, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { documentTypes, formTemplates, orders, outboxMessages, products, tenants, type Carrier, type IntervalUnit, type ProductKind, type ProductVisibility } from '@/db/schema';
import { tokenizeTestCard } from '@/lib/billing/gateway/test-gateway';
import { placeOrder, payOrder, shippingDefaults } from '@/lib/commerce/checkout';
import { createCoupon, findCouponByCode } from '@/lib/commerce/coupons';
import { completePaidOrder } from '@/lib/commerce/order-processing';
import { createProduct } from '@/lib/commerce/products';
import { updateCommerceSettings } from '@/lib/commerce/settings-admin';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { addShipment } from '@/lib/commerce/shipments';
import { demoPatientId, demoPortalContext, demoStaffContext } from './contexts';

/**
 * The shop of a demo clinic, made through the product's own functions: its options and catalogue
 * as staff save them in the CRM, coupons, and orders a portal account placed and paid at checkout
 * with the test gateway's card (then shipped by staff). Idempotent: products by name, coupons by
 * code, and a patient's orders only while the patient has none.
 */
export interface DemoCommerce {
  /** The staff member who sets the shop up (commerce.catalog). */
  by: string;
  shop: { openToNewVisitors: boolean };
  products: DemoProduct[];
  coupons: DemoCoupon[];
  /** Orders placed in the portal, one per entry, in this order. */
  orders: DemoOrder[];
}

export interface DemoProduct {
  name: string;
  description: string;
  category: string | null;
  kind: ProductKind;
  /** One-time price in minor units. */
  price?: number;
  phases?: { unitAmount: number; unit: IntervalUnit; count: number; cycles: number | null }[];
  visibility: ProductVisibility;
  requiresShipping: boolean;
  /** Starter forms (form_templates.starter_key) the patient completes after paying. */
  forms: string[];
  /** Uploads asked for, by label; filed under the clinic's identity document type when it has one. */
  uploads: string[];
}

export interface DemoCoupon {
  code: string;
  description: string;
  percent: number;
  perPatientLimit: number | null;
  firstOrderOnly: boolean;
  subscriptionCycles: number | null;
}

export interface DemoOrder {
  patient: string;
  account: string;
  products: string[];
  /** Shipped by this staff member (orders.manage) with the carrier's tracking number. */
  ship?: { by: string; carrier: Carrier; trackingNumber: string };
}

/** A document type that holds identity documents ("Photo ID", "ID document", "Identification"…). */
const ID_TYPE = /\b(photo id|id|id document|identification|identity( document)?|passport)\b/i;

export async function seedCommerce(db: Database, slug: string, commerce: DemoCommerce | undefined): Promise<void> {
  if (!commerce) return;
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  const t = tenant!;
  const staff = await demoStaffContext(db, t, commerce.by);

  // Shop options as CRM → Shop saves them (billing must already take payments).
  const current = await getCommerceSettings(db, t.id);
  await updateCommerceSettings(db, staff, { ...current, shopEnabled: true, openToNewVisitors: commerce.shop.openToNewVisitors });

  const existing = await db.select({ id: products.id, name: products.name }).from(products).where(eq(products.tenantId, t.id));
  const productIds = new Map(existing.map((p) => [p.name, p.id]));
  const types = await db.select({ id: documentTypes.id, name: documentTypes.name }).from(documentTypes)
    .where(and(eq(documentTypes.tenantId, t.id), eq(documentTypes.active, true)));
  const idType = types.find((type) => ID_TYPE.test(type.name))?.id ?? null;
  for (const [position, p] of commerce.products.entries()) {
    if (productIds.has(p.name)) continue;
    const forms = p.forms.length
      ? await db.select({ id: formTemplates.id }).from(formTemplates).where(and(eq(formTemplates.tenantId, t.id), inArray(formTemplates.starterKey, p.forms)))
      : [];
    if (forms.length !== p.forms.length) throw new Error(`seedCommerce: a starter form of a product is missing in ${slug}`);
    const { id } = await createProduct(db, staff, {
      name: p.name, description: p.description, category: p.category, kind: p.kind,
      unitAmount: p.kind === 'one_time' ? p.price ?? 0 : null,
      phases: (p.phases ?? []).map((ph, i) => ({ position: i, unitAmount: ph.unitAmount, intervalUnit: ph.unit, intervalCount: ph.count, cycles: ph.cycles })),
      visibility: p.visibility, taxable: false, requiresShipping: p.requiresShipping, position, imageAlt: null,
      requiredFormIds: forms.map((f) => f.id),
      uploads: p.uploads.map((label) => ({ id: null, label, documentTypeId: idType })),
    });
    productIds.set(p.name, id);
  }

  for (const c of commerce.coupons) {
    if (await findCouponByCode(db, t.id, c.code)) continue;
    await createCoupon(db, staff, {
      code: c.code, description: c.description, kind: 'percent', percentBp: Math.round(c.percent * 100), amountOff: null,
      validFrom: null, validTo: null, productIds: null, maxRedemptions: null,
      perPatientLimit: c.perPatientLimit, firstOrderOnly: c.firstOrderOnly, subscriptionCycles: c.subscriptionCycles,
    });
  }

  const placed: string[] = [];
  const seeded = new Set<string>();
  for (const o of commerce.orders) {
    const patientId = await demoPatientId(db, t.id, o.patient);
    if (!seeded.has(patientId)) {
      const [had] = await db.select({ n: sql<number>`count(*)::int` }).from(orders).where(and(eq(orders.tenantId, t.id), eq(orders.patientId, patientId)));
      if ((had?.n ?? 0) > 0) continue;
    }
    seeded.add(patientId);
    const portal = await demoPortalContext(db, t, o.account, patientId);
    const lines = o.products.map((name) => ({ productId: productIds.get(name)!, quantity: 1 }));
    const subscription = o.products.some((name) => commerce.products.find((p) => p.name === name)?.kind === 'subscription');
    const { orderId } = await placeOrder(db, portal, {
      attemptKey: crypto.randomUUID(), lines, shipping: await shippingDefaults(db, portal), authorizeSubscription: subscription,
    });
    const { token } = await tokenizeTestCard(db, t.id, { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: '123' });
    const paid = await payOrder(db, portal, { orderId, attemptKey: crypto.randomUUID(), source: { kind: 'token', token }, authorizeSubscription: subscription });
    if (paid.kind !== 'paid') throw new Error(`seedCommerce: a demo order was not paid (${paid.kind})`);
    // payOrder completes it already; again is a no-op, and makes sure of it.
    await completePaidOrder(db, t.id, orderId);
    if (o.ship) {
      await addShipment(db, await demoStaffContext(db, t, o.ship.by), { orderId, carrier: o.ship.carrier, trackingNumber: o.ship.trackingNumber });
    }
    placed.push(orderId);
  }
  if (placed.length === 0) return;
  // The demo's patients were told about these orders, receipts and forms long ago: not sent now.
  await db.delete(outboxMessages).where(and(
    eq(outboxMessages.tenantId, t.id), eq(outboxMessages.status, 'pending'),
    or(
      like(outboxMessages.idempotencyKey, 'order:%'), like(outboxMessages.idempotencyKey, 'billing:%'), like(outboxMessages.idempotencyKey, 'invoice:%'),
      like(outboxMessages.idempotencyKey, 'subscription:%'),
      ...placed.map((id) => like(outboxMessages.idempotencyKey, `forms:order:${id}:%`)),
    ),
  ));
}
