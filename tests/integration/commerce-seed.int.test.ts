import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import {
  billingSettings, commerceSettings, couponProducts, coupons, formTemplates, orderLines, orderRequirements, orders, outboxMessages,
  patients, payments, productPhases, productRequiredForms, productRequiredUploads, products, shipments, subscriptions, tenants,
} from '@/db/schema';
import { seedDemoData } from '@/scripts/demo-seed';

async function harbor() {
  const [row] = await getDb().select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, 'harbor'));
  return row!.id;
}

async function counts(tenantId: string) {
  const n = async (table: typeof products | typeof coupons | typeof orders | typeof subscriptions | typeof shipments | typeof payments) =>
    (await getDb().select({ id: table.id }).from(table).where(eq(table.tenantId, tenantId))).length;
  return { products: await n(products), coupons: await n(coupons), orders: await n(orders), subscriptions: await n(subscriptions), shipments: await n(shipments), payments: await n(payments) };
}

let first: Awaited<ReturnType<typeof counts>>;

beforeAll(async () => {
  await seedDemoData(getDb());
  first = await counts(await harbor());
  await seedDemoData(getDb());
}, 240_000);

describe('commerce demo seed (Harbor)', () => {
  it('opens the shop to new visitors, with payments on', async () => {
    const tenantId = await harbor();
    const [billing] = await getDb().select().from(billingSettings).where(eq(billingSettings.tenantId, tenantId));
    expect(billing).toMatchObject({ paymentsEnabled: true, gateway: 'test' });
    const [shop] = await getDb().select().from(commerceSettings).where(eq(commerceSettings.tenantId, tenantId));
    expect(shop).toMatchObject({ shopEnabled: true, openToNewVisitors: true });
    // Sunrise has no shop.
    const [sunrise] = await getDb().select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, 'sunrise'));
    expect((await getDb().select().from(products).where(eq(products.tenantId, sunrise!.id)))).toHaveLength(0);
  });

  it('has a one-time kit, a phased program requiring the intake and a photo ID, and a staff-only refill', async () => {
    const tenantId = await harbor();
    const rows = await getDb().select().from(products).where(eq(products.tenantId, tenantId)).orderBy(asc(products.position));
    expect(rows.map((p) => ({ name: p.name, kind: p.kind, unitAmount: p.unitAmount, visibility: p.visibility, requiresShipping: p.requiresShipping, status: p.status }))).toEqual([
      { name: 'Gentle cleanser kit', kind: 'one_time', unitAmount: 3200, visibility: 'portal', requiresShipping: true, status: 'active' },
      { name: 'Clear Skin Program', kind: 'subscription', unitAmount: null, visibility: 'portal', requiresShipping: true, status: 'active' },
      { name: 'Follow-up prescription refill', kind: 'one_time', unitAmount: 2500, visibility: 'staff', requiresShipping: false, status: 'active' },
    ]);
    const program = rows[1]!;
    const phases = await getDb().select().from(productPhases)
      .where(and(eq(productPhases.tenantId, tenantId), eq(productPhases.productId, program.id))).orderBy(asc(productPhases.position));
    expect(phases.map((p) => [p.position, p.unitAmount, p.intervalUnit, p.intervalCount, p.cycles])).toEqual([
      [0, 9900, 'month', 1, 1],
      [1, 14900, 'month', 1, null],
    ]);
    const forms = await getDb().select({ key: formTemplates.starterKey }).from(productRequiredForms)
      .innerJoin(formTemplates, and(eq(formTemplates.tenantId, productRequiredForms.tenantId), eq(formTemplates.id, productRequiredForms.templateId)))
      .where(and(eq(productRequiredForms.tenantId, tenantId), eq(productRequiredForms.productId, program.id)));
    expect(forms).toEqual([{ key: 'general-intake' }]);
    const uploads = await getDb().select().from(productRequiredUploads)
      .where(and(eq(productRequiredUploads.tenantId, tenantId), eq(productRequiredUploads.productId, program.id)));
    expect(uploads.map((u) => u.label)).toEqual(['Photo ID']);
    // The kit asks for nothing.
    expect(await getDb().select().from(productRequiredForms).where(and(eq(productRequiredForms.tenantId, tenantId), eq(productRequiredForms.productId, rows[0]!.id)))).toHaveLength(0);
  });

  it('has WELCOME10: 10 % off the first order, once per patient, every product, one subscription cycle', async () => {
    const tenantId = await harbor();
    const rows = await getDb().select().from(coupons).where(eq(coupons.tenantId, tenantId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      code: 'WELCOME10', codeKey: 'welcome10', kind: 'percent', percentBp: 1000, appliesToAll: true, firstOrderOnly: true,
      perPatientLimit: 1, maxRedemptions: null, subscriptionCycles: 1, validFrom: null, validTo: null, archivedAt: null, redemptionCount: 0,
    });
    expect(await getDb().select().from(couponProducts).where(eq(couponProducts.tenantId, tenantId))).toHaveLength(0);
  });

  it('gives James an active program (next payment ahead) and a shipped kit with a USPS tracking number', async () => {
    const tenantId = await harbor();
    const [james] = await getDb().select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.recordNumber, 'HBR-10001')));
    const own = await getDb().select().from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.patientId, james!.id))).orderBy(asc(orders.number));
    expect(own).toHaveLength(2);
    const [programOrder, kitOrder] = own;
    expect(programOrder).toMatchObject({ kind: 'checkout', status: 'awaiting_requirements', total: 9900, shipLine1: '77 Beacon Street', shipCity: 'Boston' });
    expect(kitOrder).toMatchObject({ kind: 'checkout', status: 'shipped', total: 3200 });
    expect(programOrder!.paidAt).not.toBeNull();
    expect(kitOrder!.paidAt).not.toBeNull();

    const [sub] = await getDb().select().from(subscriptions).where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.patientId, james!.id)));
    expect(sub).toMatchObject({ status: 'active', firstOrderId: programOrder!.id, phasePosition: 0, cyclesBilled: 1 });
    expect(sub!.savedCardId).not.toBeNull();
    expect(sub!.nextCycleAt!.getTime()).toBeGreaterThan(Date.now() + 20 * 86_400_000);

    const reqs = await getDb().select().from(orderRequirements).where(and(eq(orderRequirements.tenantId, tenantId), eq(orderRequirements.orderId, programOrder!.id)));
    expect(reqs.map((r) => [r.kind, r.label, r.completedAt]).sort()).toEqual([['form', 'General intake', null], ['upload', 'Photo ID', null]].sort());

    const [line] = await getDb().select().from(orderLines).where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.orderId, kitOrder!.id)));
    expect(line).toMatchObject({ description: 'Gentle cleanser kit', quantity: 1, total: 3200 });
    const packages = await getDb().select().from(shipments).where(and(eq(shipments.tenantId, tenantId), eq(shipments.orderId, kitOrder!.id)));
    expect(packages).toMatchObject([{ carrier: 'usps', trackingNumber: '9400111899223456789012', status: 'label_created' }]);

    const paid = await getDb().select().from(payments).where(eq(payments.tenantId, tenantId));
    expect(paid.map((p) => [p.status, p.amount]).sort()).toEqual([['succeeded', 3200], ['succeeded', 9900]]);
  });

  it('leaves no pending order, billing or order-form notices from the seed', async () => {
    const tenantId = await harbor();
    const pending = await getDb().select({ key: outboxMessages.idempotencyKey }).from(outboxMessages)
      .where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.status, 'pending')));
    expect(pending.filter((m) => /^(order:|billing:|invoice:|subscription:|forms:order:)/.test(m.key ?? ''))).toEqual([]);
  });

  it('adds nothing when the seed runs again', async () => {
    expect(await counts(await harbor())).toEqual(first);
    expect(first).toMatchObject({ products: 3, coupons: 1, orders: 2, subscriptions: 1, shipments: 1, payments: 2 });
  });
});
