import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as productImage } from '@/app/api/commerce/product-images/[file]/route';
import { getDb } from '@/db/client';
import {
  auditLog, billingSettings, commerceSettings, coupons, documentTypes, formTemplates, orderLines, orders, productPhases, productRequiredForms,
  productRequiredUploads, products, subscriptions,
} from '@/db/schema';
import { ForbiddenError, NotFoundError, type StaffContext } from '@/lib/access/context';
import { platformRootDomain } from '@/lib/config/env';
import { getProductsForOrder, getShopProduct, listShopProducts } from '@/lib/commerce/catalog-reads';
import { couponFromForm, createCouponSchema, updateCouponSchema } from '@/lib/commerce/coupon-forms';
import {
  archiveCoupon, couponProductIds, CouponRuleError, createCoupon, findCouponByCode, getCouponForEdit, listCoupons, restoreCoupon, updateCoupon,
} from '@/lib/commerce/coupons';
import { createProductSchema, productFromForm, updateProductSchema } from '@/lib/commerce/product-forms';
import { ProductImageError } from '@/lib/commerce/product-images';
import {
  archiveProduct, createProduct, deleteProduct, getProductForEdit, listProducts, ProductRuleError, restoreProduct, updateProduct,
} from '@/lib/commerce/products';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { updateCommerceSettings } from '@/lib/commerce/settings-admin';
import { shopSettingsSchema } from '@/lib/commerce/settings-forms';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { PDF_BYTES, PNG_BYTES } from '../support/document-files';
import { createStaffContext } from '../support/staff-context';
import { commerceClinic, COMMERCE_TZ, couponOf, type CommerceClinic } from './commerce-fixtures';

const db = () => getDb();
let storeDir: string;

beforeAll(async () => {
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'cb-catalog-'));
  setObjectStoreForTests(new LocalObjectStore(storeDir));
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(storeDir, { recursive: true, force: true });
});

async function storedPictures(tenantId: string): Promise<string[]> {
  return readdir(path.join(storeDir, tenantId, 'products')).catch(() => []);
}

/** The product form as a browser posts it (strings, repeated fields as lists). */
function productForm(c: CommerceClinic, values: Record<string, string | string[]> = {}) {
  return {
    currency: 'USD', name: 'Weight care plan', description: 'Monthly care.', category: 'Plans', kind: 'subscription', price: '',
    phasePrice: ['99', '149', ''], phaseUnit: ['month', 'month', 'month'], phaseCount: ['1', '1', '1'], phaseEnds: ['cycles', 'forever', 'forever'],
    phaseCycles: ['1', '', ''], visibility: 'portal', taxable: 'on', requiresShipping: 'on', position: '5', imageAlt: '',
    requiredFormIds: [c.intake.id], uploadId: ['', ''], uploadLabel: ['Photo ID', ''], uploadTypeId: [c.identificationTypeId, ''],
    ...values,
  };
}

const parseCreate = (form: Record<string, unknown>) => productFromForm(createProductSchema.parse(form));

function couponForm(values: Record<string, string | string[]> = {}) {
  return {
    currency: 'USD', code: 'SPRING25', description: '', kind: 'percent', percent: '25', amount: '', validFrom: '', validTo: '',
    appliesTo: 'all', productIds: [], maxRedemptions: '', perPatientLimit: '', subscriptionCycles: '', ...values,
  };
}

async function audits(tenantId: string, prefix = 'commerce.') {
  return db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), like(auditLog.action, `${prefix}%`)));
}

/** An order for the product (as checkout would leave it), so the product "has orders". */
async function orderFor(c: CommerceClinic, productId: string, amount = 2500) {
  const [order] = await db().insert(orders).values({
    tenantId: c.tenant.id, number: Math.floor(Math.random() * 1e6) + 1, patientId: c.maria.patient.id, kind: 'checkout', status: 'pending',
    currency: 'USD', subtotal: amount, total: amount,
  }).returning();
  await db().insert(orderLines).values({
    tenantId: c.tenant.id, orderId: order!.id, position: 1, productId, description: 'Line', quantity: 1, unitAmount: amount, total: amount,
  });
  return order!;
}

describe('products in the CRM', () => {
  it('creates a subscription with phases and requirements, which the shop reads in one piece', async () => {
    const c = await commerceClinic();
    const { id } = await createProduct(db(), c.admin, parseCreate(productForm(c)));
    const saved = await getProductForEdit(db(), c.admin, id);
    expect(saved).toMatchObject({
      name: 'Weight care plan', kind: 'subscription', unitAmount: null, category: 'Plans', position: 5, taxable: true, requiresShipping: true,
      visibility: 'portal', status: 'active', requiredFormIds: [c.intake.id], orderCount: 0, liveSubscriptions: 0,
      phases: [
        { position: 0, unitAmount: 9900, intervalUnit: 'month', intervalCount: 1, cycles: 1 },
        { position: 1, unitAmount: 14900, intervalUnit: 'month', intervalCount: 1, cycles: null },
      ],
    });
    expect(saved.uploads).toEqual([{ id: expect.any(String), label: 'Photo ID', documentTypeId: c.identificationTypeId }]);

    const shop = await getShopProduct(db(), c.tenant.id, id);
    expect(shop.requirements).toEqual({ forms: [{ templateId: c.intake.id, title: c.intake.title }], uploads: saved.uploads });
    expect(shop.phases).toHaveLength(2);
    // The shop lists active portal products by position then name: the fixtures' 1 and 2, then this one at 5.
    expect((await listShopProducts(db(), c.tenant.id)).map((p) => p.id)).toEqual([c.oneTime.id, c.subscription.id, id]);

    // The audit entry names ids and counts, never the product's name.
    const [entry] = await audits(c.tenant.id, 'commerce.product_created');
    expect(entry).toMatchObject({ targetId: id, details: { kind: 'subscription', phases: 2, forms: 1, uploads: 1, image: false } });
    expect(JSON.stringify(entry!.details)).not.toContain('Weight');
  });

  it('allows only the last phase to repeat until cancelled, in the form and in lib', async () => {
    const c = await commerceClinic();
    const bad = createProductSchema.safeParse(productForm(c, { phaseEnds: ['forever', 'cycles'], phaseCycles: ['', '3'] }));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['phases'], message: expect.stringMatching(/^Phase 1: only the last phase can repeat until cancelled/) });
    // A subscription without a priced phase, and a one-time product without a price.
    expect(createProductSchema.safeParse(productForm(c, { phasePrice: ['', ''], phaseCycles: ['', ''] })).error!.issues[0]!.message).toBe('Add at least one billing phase with a price.');
    expect(createProductSchema.safeParse(productForm(c, { kind: 'one_time', price: '' })).error!.issues[0]).toMatchObject({ path: ['price'] });

    const input = parseCreate(productForm(c));
    await expect(createProduct(db(), c.admin, { ...input, phases: [{ ...input.phases[1]!, position: 0 }, { ...input.phases[0]!, position: 1 }] }))
      .rejects.toBeInstanceOf(ProductRuleError);
    // A phase of 3 payments at the end: it ends after them.
    const { id } = await createProduct(db(), c.admin, parseCreate(productForm(c, { phaseEnds: ['cycles', 'cycles'], phaseCycles: ['1', '3'] })));
    expect((await getProductForEdit(db(), c.admin, id)).phases.map((p) => p.cycles)).toEqual([1, 3]);
  });

  it('edits phases and requirements, keeps an upload row, and fixes the kind once the product has orders', async () => {
    const c = await commerceClinic();
    const { id } = await createProduct(db(), c.admin, parseCreate(productForm(c)));
    const before = await getProductForEdit(db(), c.admin, id);
    const upload = before.uploads[0]!;
    const edit = (values: Record<string, string | string[]>) => productFromForm(updateProductSchema.parse({ productId: id, ...productForm(c, values) }));

    const changed = await updateProduct(db(), c.admin, id, edit({
      phasePrice: ['79', '129'], phaseEnds: ['cycles', 'forever'], phaseCycles: ['2', ''], requiredFormIds: [],
      uploadId: [upload.id, ''], uploadLabel: ['Photo ID (front)', 'Proof of address'], uploadTypeId: [c.identificationTypeId, ''],
    }));
    expect(changed).toEqual({ changed: true });
    const after = await getProductForEdit(db(), c.admin, id);
    expect(after.phases.map((p) => [p.unitAmount, p.cycles])).toEqual([[7900, 2], [12900, null]]);
    expect(after.requiredFormIds).toEqual([]);
    expect(after.uploads).toEqual([
      { id: upload.id, label: 'Photo ID (front)', documentTypeId: c.identificationTypeId },
      { id: expect.any(String), label: 'Proof of address', documentTypeId: null },
    ]);
    const [entry] = await audits(c.tenant.id, 'commerce.product_updated');
    expect(entry!.details).toEqual({ changed: ['phases', 'requiredForms', 'uploads'], phases: 2 });
    // The same form again changes nothing.
    expect(await updateProduct(db(), c.admin, id, edit({
      phasePrice: ['79', '129'], phaseEnds: ['cycles', 'forever'], phaseCycles: ['2', ''], requiredFormIds: [],
      uploadId: [upload.id, after.uploads[1]!.id], uploadLabel: ['Photo ID (front)', 'Proof of address'], uploadTypeId: [c.identificationTypeId, ''],
    }))).toEqual({ changed: false });

    // Until it is ordered the kind may change; after, it is refused beside the field.
    expect(await updateProduct(db(), c.admin, id, edit({ kind: 'one_time', price: '40', uploadId: [], uploadLabel: [], uploadTypeId: [] }))).toEqual({ changed: true });
    expect(await db().select().from(productPhases).where(eq(productPhases.productId, id))).toEqual([]);
    await orderFor(c, id);
    const refusal = await updateProduct(db(), c.admin, id, edit({})).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ProductRuleError);
    expect((refusal as ProductRuleError).fieldErrors?.kind).toMatch(/has orders, so it stays a one-time purchase/);
    expect((await getProductForEdit(db(), c.admin, id))).toMatchObject({ kind: 'one_time', unitAmount: 4000, orderCount: 1 });
  });

  it('refuses forms that are archived, unpublished or another clinic’s, and document types that are not the clinic’s', async () => {
    const c = await commerceClinic();
    const other = await commerceClinic();
    const [archived] = await db().insert(formTemplates).values({
      tenantId: c.tenant.id, kind: 'intake', title: 'Old intake', documentTypeId: c.identificationTypeId, publishedVersion: 1, archivedAt: new Date(),
    }).returning();
    for (const formId of [archived!.id, other.intake.id]) {
      const error = await createProduct(db(), c.admin, parseCreate(productForm(c, { requiredFormIds: [formId] }))).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'form-unavailable', fieldErrors: { requiredFormIds: expect.any(String) } });
    }
    const error = await createProduct(db(), c.admin, parseCreate(productForm(c, { uploadTypeId: [other.identificationTypeId, ''] }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'type-unavailable', fieldErrors: { uploads: expect.any(String) } });
    expect(await db().select().from(products).where(and(eq(products.tenantId, c.tenant.id), eq(products.name, 'Weight care plan')))).toEqual([]);
  });

  it('stores a PNG picture found by its bytes, refuses a PDF by name or not, and deletes a replaced picture', async () => {
    const c = await commerceClinic();
    const input = { ...parseCreate(productForm(c)), imageAlt: 'A bottle of capsules' };
    const pdf = new File([PDF_BYTES], 'photo.png', { type: 'image/png' });
    const refused = await createProduct(db(), c.admin, input, { file: pdf }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProductImageError);
    expect((refused as ProductImageError).fieldErrors).toEqual({ image: 'This file is not a PNG, JPEG or WebP picture (checked from its contents).' });
    // Without words for the picture, nothing is stored either.
    await expect(createProduct(db(), c.admin, { ...input, imageAlt: null }, { file: new File([PNG_BYTES], 'a.png') })).rejects.toMatchObject({ code: 'alt-missing' });
    expect(await storedPictures(c.tenant.id)).toEqual([]);

    const { id } = await createProduct(db(), c.admin, input, { file: new File([PNG_BYTES], 'kit.jpg', { type: 'image/jpeg' }) });
    const first = await getProductForEdit(db(), c.admin, id);
    expect(first.imageUrl).toMatch(/^\/api\/commerce\/product-images\/[0-9a-f-]{36}\.png$/);
    expect(await storedPictures(c.tenant.id)).toHaveLength(1);

    // Served on the clinic's host only.
    const file = first.imageUrl!.split('/').pop()!;
    const on = (host: string) => productImage(new Request(`http://${host}${first.imageUrl}`, { headers: { host } }), { params: Promise.resolve({ file }) });
    const served = await on(`${c.tenant.slug}.${platformRootDomain()}:3000`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG_BYTES);
    const other = await commerceClinic();
    expect((await on(`${other.tenant.slug}.${platformRootDomain()}:3000`)).status).toBe(404);

    await updateProduct(db(), c.admin, id, input, { file: new File([PNG_BYTES], 'new.png') });
    const second = await getProductForEdit(db(), c.admin, id);
    expect(second.imageUrl).not.toBe(first.imageUrl);
    expect(await storedPictures(c.tenant.id)).toEqual([second.imageUrl!.split('/').pop()]);
    await updateProduct(db(), c.admin, id, input, { remove: true });
    expect((await getProductForEdit(db(), c.admin, id)).imageUrl).toBeNull();
    expect(await storedPictures(c.tenant.id)).toEqual([]);
  });

  it('archives and restores; deletes only a product nobody ordered', async () => {
    const c = await commerceClinic();
    const { id } = await createProduct(db(), c.admin, parseCreate(productForm(c)));
    expect(await archiveProduct(db(), c.admin, id)).toEqual({ changed: true });
    expect(await archiveProduct(db(), c.admin, id)).toEqual({ changed: false });
    await expect(getShopProduct(db(), c.tenant.id, id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listProducts(db(), c.admin, { status: 'archived' })).map((p) => p.id).sort()).toEqual([c.archived.id, id].sort());
    expect((await listProducts(db(), c.admin, { status: 'active' })).map((p) => p.id)).not.toContain(id);
    // Archived, it is still there for orders and renewals.
    expect((await getProductsForOrder(db(), c.tenant.id, [id])).get(id)).toMatchObject({ status: 'archived', visibility: 'portal' });
    expect(await restoreProduct(db(), c.admin, id)).toEqual({ changed: true });
    await expect(getShopProduct(db(), c.tenant.id, id)).resolves.toMatchObject({ id });

    // The fixtures' subscription product has a subscriber: not deleted.
    await db().insert(subscriptions).values({ tenantId: c.tenant.id, patientId: c.maria.patient.id, productId: c.subscription.id, status: 'active', anchorDay: 1 });
    await expect(deleteProduct(db(), c.admin, c.subscription.id)).rejects.toMatchObject({ code: 'has-orders' });
    await orderFor(c, c.oneTime.id);
    await expect(deleteProduct(db(), c.admin, c.oneTime.id)).rejects.toMatchObject({ code: 'has-orders' });
    await deleteProduct(db(), c.admin, id);
    expect(await db().select().from(products).where(eq(products.id, id))).toEqual([]);
    expect(await db().select().from(productRequiredForms).where(eq(productRequiredForms.productId, id))).toEqual([]);
    expect(await db().select().from(productRequiredUploads).where(eq(productRequiredUploads.productId, id))).toEqual([]);
    expect((await audits(c.tenant.id)).map((a) => a.action)).toEqual(expect.arrayContaining([
      'commerce.product_archived', 'commerce.product_restored', 'commerce.product_deleted',
    ]));
  });

  it('shows the live subscriptions a phase change affects', async () => {
    const c = await commerceClinic();
    await db().insert(subscriptions).values([
      { tenantId: c.tenant.id, patientId: c.maria.patient.id, productId: c.subscription.id, status: 'active', anchorDay: 1 },
      { tenantId: c.tenant.id, patientId: c.leo.id, productId: c.subscription.id, status: 'paused', anchorDay: 1 },
    ]);
    expect((await getProductForEdit(db(), c.admin, c.subscription.id)).liveSubscriptions).toBe(2);
  });
});

describe('coupons in the CRM', () => {
  const parse = (values: Record<string, string | string[]> = {}) => couponFromForm(createCouponSchema.parse(couponForm(values)));

  it('keeps a code unique per clinic in any case, as a field error; another clinic may have the same code', async () => {
    const c = await commerceClinic();
    const other = await commerceClinic();
    // The fixtures' WELCOME10, typed in another case.
    const taken = await createCoupon(db(), c.admin, parse({ code: 'welcome10' })).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(CouponRuleError);
    expect((taken as CouponRuleError).fieldErrors?.code).toMatch(/already has a coupon with the code welcome10/);
    // Archived coupons keep their code.
    await archiveCoupon(db(), c.admin, c.welcome.id);
    await expect(createCoupon(db(), c.admin, parse({ code: 'Welcome10' }))).rejects.toMatchObject({ code: 'code-taken' });

    const { id } = await createCoupon(db(), other.admin, parse({ code: 'Spring25' }));
    await expect(createCoupon(db(), c.admin, parse({ code: 'SPRING25' }))).resolves.toMatchObject({ id: expect.any(String) });
    // Renaming onto a taken code is refused the same way.
    const mine = (await findCouponByCode(db(), c.tenant.id, 'spring25'))!;
    await expect(updateCoupon(db(), c.admin, mine.id, parse({ code: 'WELCOME10' }))).rejects.toMatchObject({ code: 'code-taken' });
    expect((await findCouponByCode(db(), other.tenant.id, ' SPRING25 '))!.id).toBe(id);
  });

  it('stores percent as basis points, dates as instants in the clinic’s zone, chosen products, limits', async () => {
    const c = await commerceClinic();
    const { id } = await createCoupon(db(), c.admin, parse({
      code: 'Fall-10', kind: 'amount', percent: '', amount: '10.50', validFrom: '2026-11-01', validTo: '2026-11-30',
      appliesTo: 'chosen', productIds: [c.subscription.id], maxRedemptions: '100', perPatientLimit: '1', subscriptionCycles: '3', firstOrderOnly: 'on',
    }));
    const [row] = await db().select().from(coupons).where(eq(coupons.id, id));
    expect(row).toMatchObject({
      code: 'Fall-10', codeKey: 'fall-10', kind: 'amount', amountOff: 1050, percentBp: null, appliesToAll: false, maxRedemptions: 100,
      perPatientLimit: 1, subscriptionCycles: 3, firstOrderOnly: true,
      // Midnight in New York, and the end of the 30th there.
      validFrom: new Date('2026-11-01T04:00:00Z'), validTo: new Date('2026-12-01T05:00:00Z'),
    });
    expect(await couponProductIds(db(), c.tenant.id, id)).toEqual([c.subscription.id]);
    expect(await couponProductIds(db(), c.tenant.id, c.welcome.id)).toBeNull();
    expect(await getCouponForEdit(db(), c.admin, id)).toMatchObject({ validFrom: '2026-11-01', validTo: '2026-11-30', productIds: [c.subscription.id], archived: false });
    expect(COMMERCE_TZ).toBe('America/New_York');

    expect(createCouponSchema.safeParse(couponForm({ percent: '0' })).error!.issues[0]).toMatchObject({ path: ['percent'] });
    expect(createCouponSchema.safeParse(couponForm({ percent: '12.5' })).data).toMatchObject({ percent: '12.5' });
    expect(parse({ percent: '12.5' }).percentBp).toBe(1250);
    expect(createCouponSchema.safeParse(couponForm({ validFrom: '2026-11-02', validTo: '2026-11-01' })).error!.issues[0]).toMatchObject({ path: ['validTo'] });
    expect(createCouponSchema.safeParse(couponForm({ appliesTo: 'chosen' })).error!.issues[0]).toMatchObject({ path: ['productIds'] });
  });

  it('refuses a total limit below the redemptions so far', async () => {
    const c = await commerceClinic();
    const coupon = await couponOf(c.tenant.id, { code: 'LIMITED', kind: 'percent', percentBp: 500, maxRedemptions: 10, redemptionCount: 7 });
    const edit = (limit: string) => couponFromForm(updateCouponSchema.parse({ couponId: coupon.id, ...couponForm({ code: 'LIMITED', percent: '5', maxRedemptions: limit }) }));
    const refusal = await updateCoupon(db(), c.admin, coupon.id, edit('6')).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'limit-below-redemptions', fieldErrors: { maxRedemptions: 'This coupon has been used 7 times, so its total limit cannot be lower than 7.' } });
    expect(await updateCoupon(db(), c.admin, coupon.id, edit('7'))).toEqual({ changed: true });
    expect((await listCoupons(db(), c.admin, { status: 'active' })).rows.find((r) => r.id === coupon.id)).toMatchObject({ redemptionCount: 7, maxRedemptions: 7 });
    const [entry] = await audits(c.tenant.id, 'commerce.coupon_updated');
    expect(entry!.details).toEqual({ changed: ['maxRedemptions'] });
  });

  it('archives (checkout no longer finds it) and restores', async () => {
    const c = await commerceClinic();
    expect((await findCouponByCode(db(), c.tenant.id, 'Welcome10'))?.id).toBe(c.welcome.id);
    // A look-alike that lower-cases to the code (the Kelvin sign K becomes an ASCII k) finds nothing itself,
    // whatever the caller checked first.
    await createCoupon(db(), c.admin, parse({ code: 'KIDS5' }));
    expect(await findCouponByCode(db(), c.tenant.id, 'kids5')).not.toBeNull();
    expect(await findCouponByCode(db(), c.tenant.id, '\u212AIDS5')).toBeNull();
    await archiveCoupon(db(), c.admin, c.welcome.id);
    expect(await findCouponByCode(db(), c.tenant.id, 'WELCOME10')).toBeNull();
    expect((await listCoupons(db(), c.admin, { status: 'archived' })).rows.map((r) => r.code)).toEqual(['WELCOME10']);
    await restoreCoupon(db(), c.admin, c.welcome.id);
    expect((await findCouponByCode(db(), c.tenant.id, 'WELCOME10'))?.id).toBe(c.welcome.id);
  });
});

describe('shop options', () => {
  const form = (values: Record<string, string> = {}) => shopSettingsSchema.parse({
    shopEnabled: 'on', openToNewVisitors: 'on', allowSkip: 'on', allowPause: 'on', maxPauseDays: '60', allowReschedule: 'on',
    rescheduleWindowDays: '10', allowCancel: 'on', retryDays: '1, 3, 7', requirementsDueDays: '5', teams: 'Pharmacy\nSupport', ...values,
  });

  it('refuses to open the shop while the clinic does not take payments, in words beside the field', async () => {
    const c = await commerceClinic({ shopEnabled: false, paymentsEnabled: false });
    const refusal = await updateCommerceSettings(db(), c.admin, form()).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'payments-off', fieldErrors: { shopEnabled: expect.stringMatching(/Turn payments on in CRM → Billing first/) } });
    expect((await getCommerceSettings(db(), c.tenant.id)).shopEnabled).toBe(false);
    // The other options save with the shop closed.
    expect(await updateCommerceSettings(db(), c.admin, form({ shopEnabled: '' }))).toEqual({ changed: true });
    await db().update(billingSettings).set({ paymentsEnabled: true }).where(eq(billingSettings.tenantId, c.tenant.id));
    expect(await updateCommerceSettings(db(), c.admin, form())).toEqual({ changed: true });
    expect(await getCommerceSettings(db(), c.tenant.id)).toMatchObject({
      shopEnabled: true, openToNewVisitors: true, maxPauseDays: 60, rescheduleWindowDays: 10, retryDays: [1, 3, 7], requirementsDueDays: 5, teams: ['Pharmacy', 'Support'],
    });
    // An open shop's options still save after payments are turned off.
    await db().update(billingSettings).set({ paymentsEnabled: false }).where(eq(billingSettings.tenantId, c.tenant.id));
    expect(await updateCommerceSettings(db(), c.admin, form({ retryDays: '2 4' }))).toEqual({ changed: true });
    const entries = await audits(c.tenant.id, 'commerce.settings_updated');
    expect(entries.at(-1)!.details).toEqual({ changed: { retryDays: { before: [1, 3, 7], after: [2, 4] } } });
  });

  it('reads retry days and teams strictly', () => {
    const error = (values: Record<string, string>) => shopSettingsSchema.safeParse({ ...form(), retryDays: '1', teams: '', ...values }).error?.issues[0]?.message;
    expect(error({ retryDays: '3, 1' })).toMatch(/each later than the one before/);
    expect(error({ retryDays: '1,2,3,4,5,6,7' })).toMatch(/up to 6 days/);
    expect(error({ retryDays: '31' })).toMatch(/from 1 to 30/);
    expect(error({ retryDays: '' })).toMatch(/at least one day/);
    expect(error({ teams: 'Support\nsupport' })).toMatch(/listed twice/);
  });
});

describe('another clinic’s ids and the permission', () => {
  it('answers not found for another clinic’s product and coupon ids', async () => {
    const c = await commerceClinic();
    const other = await commerceClinic();
    const input = parseCreate(productForm(c));
    const coupon = couponFromForm(createCouponSchema.parse(couponForm()));
    for (const call of [
      () => getProductForEdit(db(), c.admin, other.oneTime.id),
      () => updateProduct(db(), c.admin, other.oneTime.id, input),
      () => archiveProduct(db(), c.admin, other.oneTime.id),
      () => restoreProduct(db(), c.admin, other.archived.id),
      () => deleteProduct(db(), c.admin, other.oneTime.id),
      () => getShopProduct(db(), c.tenant.id, other.oneTime.id),
      () => getCouponForEdit(db(), c.admin, other.welcome.id),
      () => updateCoupon(db(), c.admin, other.welcome.id, coupon),
      () => archiveCoupon(db(), c.admin, other.welcome.id),
      () => couponProductIds(db(), c.tenant.id, other.welcome.id),
      () => getProductForEdit(db(), c.admin, 'not-a-uuid'),
    ]) await expect(call()).rejects.toBeInstanceOf(NotFoundError);
    expect((await getProductsForOrder(db(), c.tenant.id, [other.oneTime.id, c.oneTime.id])).size).toBe(1);
    // Another clinic's product in a coupon's choice is refused like an unknown one.
    await expect(createCoupon(db(), c.admin, couponFromForm(createCouponSchema.parse(couponForm({ appliesTo: 'chosen', productIds: [other.oneTime.id] })))))
      .rejects.toMatchObject({ code: 'product-unavailable' });
    // Nothing of the other clinic changed.
    expect((await db().select().from(products).where(eq(products.id, other.oneTime.id)))[0]).toMatchObject({ status: 'active', name: 'Travel kit' });
    expect((await db().select().from(coupons).where(eq(coupons.id, other.welcome.id)))[0]!.archivedAt).toBeNull();
  });

  it('refuses every catalogue change and read without commerce.catalog', async () => {
    const c = await commerceClinic();
    const lite: StaffContext = await createStaffContext(c.tenant, 'operations');
    const input = parseCreate(productForm(c));
    const coupon = couponFromForm(createCouponSchema.parse(couponForm()));
    for (const call of [
      () => listProducts(db(), lite, { status: 'active' }),
      () => getProductForEdit(db(), lite, c.oneTime.id),
      () => createProduct(db(), lite, input),
      () => updateProduct(db(), lite, c.oneTime.id, input),
      () => archiveProduct(db(), lite, c.oneTime.id),
      () => deleteProduct(db(), lite, c.oneTime.id),
      () => listCoupons(db(), lite, { status: 'active' }),
      () => createCoupon(db(), lite, coupon),
      () => updateCoupon(db(), lite, c.welcome.id, coupon),
      () => archiveCoupon(db(), lite, c.welcome.id),
      () => updateCommerceSettings(db(), lite, shopSettingsSchema.parse({ retryDays: '1', teams: '', maxPauseDays: '30', rescheduleWindowDays: '7', requirementsDueDays: '7' })),
    ]) await expect(call()).rejects.toBeInstanceOf(ForbiddenError);
    // Marketing manages the catalogue.
    const marketing = await createStaffContext(c.tenant, 'marketing');
    await expect(archiveCoupon(db(), marketing, c.welcome.id)).resolves.toEqual({ changed: true });
    expect(await db().select().from(commerceSettings).where(eq(commerceSettings.tenantId, c.tenant.id))).toHaveLength(1);
    expect(await db().select().from(documentTypes).where(eq(documentTypes.tenantId, c.tenant.id))).not.toHaveLength(0);
  });
});
