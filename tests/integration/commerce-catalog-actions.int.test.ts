import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { commerceSettings, coupons, products } from '@/db/schema';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { describeOutcome, formData, hostFor, invokeAction, isRefusal, signIn, type Outcome } from '../support/action-harness';
import { PNG_BYTES } from '../support/document-files';
import { commerceClinic, type CommerceClinic } from './commerce-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * CRM → Products, Coupons and Shop as their pages post them: the friendly refusals really reach
 * the form (a code taken in another case, the shop opened without payments), a product posted
 * with its rows and picture lands on its page, the pages render for an admin with the
 * catalogue's data, another clinic's ids are not found, and staff without commerce.catalog are
 * refused.
 */

const productActions = await import('@/app/t/[tenant]/crm/(app)/products/actions');
const couponActions = await import('@/app/t/[tenant]/crm/(app)/coupons/actions');
const shopActions = await import('@/app/t/[tenant]/crm/(app)/shop/actions');
const { default: productsPage } = await import('@/app/t/[tenant]/crm/(app)/products/page');
const { default: newProductPage } = await import('@/app/t/[tenant]/crm/(app)/products/new/page');
const { default: productPage } = await import('@/app/t/[tenant]/crm/(app)/products/[id]/page');
const { default: couponsPage } = await import('@/app/t/[tenant]/crm/(app)/coupons/page');
const { default: newCouponPage } = await import('@/app/t/[tenant]/crm/(app)/coupons/new/page');
const { default: couponPage } = await import('@/app/t/[tenant]/crm/(app)/coupons/[id]/page');
const { default: shopPage } = await import('@/app/t/[tenant]/crm/(app)/shop/page');

const db = () => getDb();
let storeDir: string;

beforeAll(async () => {
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'cb-catalog-actions-'));
  setObjectStoreForTests(new LocalObjectStore(storeDir));
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(storeDir, { recursive: true, force: true });
});

async function staffOf(c: CommerceClinic, who: 'admin' | 'support' = 'admin') {
  const { cookies } = await signIn('staff', { tenantId: c.tenant.id, subjectId: c[who].actor.id });
  return { host: hostFor(c.tenant.slug), cookies, path: '/crm' };
}

const returned = (outcome: Outcome) => {
  expect(outcome.kind, describeOutcome(outcome)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const html = (outcome: Outcome) => renderToString(returned(outcome) as unknown as ReactElement);

const couponFields = (values: Record<string, string | string[]> = {}) => ({
  currency: 'USD', code: 'SPRING25', description: '', kind: 'percent', percent: '25', amount: '', validFrom: '', validTo: '',
  appliesTo: 'all', maxRedemptions: '', perPatientLimit: '', subscriptionCycles: '', ...values,
});

const productFields = (c: CommerceClinic, values: Record<string, string | string[] | File> = {}) => ({
  currency: 'USD', name: 'Sleep care plan', description: 'Monthly.', category: '', kind: 'subscription', price: '',
  phasePrice: ['99', '149', ''], phaseUnit: ['month', 'month', 'month'], phaseCount: ['1', '1', '1'], phaseEnds: ['cycles', 'forever', 'forever'],
  phaseCycles: ['1', '', ''], visibility: 'portal', taxable: 'on', requiresShipping: 'on', position: '3', imageAlt: 'A box of tea',
  requiredFormIds: c.intake.id, uploadId: ['', ''], uploadLabel: ['Photo ID', ''], uploadTypeId: [c.identificationTypeId, ''],
  image: new File([PNG_BYTES], 'box.png', { type: 'image/png' }),
  ...values,
});

describe('the catalogue actions as the CRM posts them', () => {
  it('answers a code taken in another case beside the code field, and keeps what was typed', async () => {
    const c = await commerceClinic();
    const req = await staffOf(c);
    const value = returned(await invokeAction(req, couponActions.createCouponAction, {}, formData(couponFields({ code: 'welcome10' }))));
    expect(value).toMatchObject({
      ok: false, message: 'The coupon was not saved.',
      fieldErrors: { code: expect.stringMatching(/^The clinic already has a coupon with the code welcome10/) },
      values: { code: 'welcome10', percent: '25' },
    });
    expect(await db().select().from(coupons).where(eq(coupons.tenantId, c.tenant.id))).toHaveLength(1);
    const made = await invokeAction(req, couponActions.createCouponAction, {}, formData(couponFields()));
    expect(made).toMatchObject({ kind: 'redirect', location: expect.stringMatching(/^\/crm\/coupons\/[0-9a-f-]{36}\?done=created$/) });
  });

  it('adds a subscription product with its rows and picture, then saves an edit', async () => {
    const c = await commerceClinic();
    const req = await staffOf(c);
    const made = await invokeAction(req, productActions.createProductAction, {}, formData(productFields(c)));
    expect(made.kind, describeOutcome(made)).toBe('redirect');
    const id = /\/crm\/products\/([0-9a-f-]{36})\?done=created$/.exec((made as { location: string }).location)![1]!;
    const [row] = await db().select().from(products).where(and(eq(products.tenantId, c.tenant.id), eq(products.id, id)));
    expect(row).toMatchObject({ name: 'Sleep care plan', kind: 'subscription', position: 3, imageAlt: 'A box of tea', imageKey: expect.stringMatching(/\/products\/[0-9a-f-]{36}\.png$/) });

    const saved = returned(await invokeAction(req, productActions.updateProductAction, {}, formData({ ...productFields(c, { image: new File([], '') }), productId: id, phasePrice: ['89', '139'] })));
    expect(saved).toEqual({ ok: true, message: 'Product saved.' });
    const again = returned(await invokeAction(req, productActions.updateProductAction, {}, formData({ ...productFields(c, { image: new File([], '') }), productId: id, phasePrice: ['89', '139'] })));
    expect(again).toEqual({ ok: true, message: 'Nothing to save: the product is already as shown.' });

    // The edit page says what patients read and shows the picture with its words.
    const page = html(await invokeAction(req, productPage, { params: Promise.resolve({ id }), searchParams: Promise.resolve({ done: 'created' }) }));
    expect(page).toContain('Product added. It is active now.');
    expect(page).toContain('$89.00 for the first month, then $139.00 every month');
    expect(page).toContain('alt="A box of tea"');
  });

  it('refuses a phase that repeats forever before the last, beside the phases', async () => {
    const c = await commerceClinic();
    const value = returned(await invokeAction(await staffOf(c), productActions.createProductAction, {}, formData(productFields(c, { phaseEnds: ['forever', 'forever'] }))));
    expect(value).toMatchObject({ ok: false, fieldErrors: { phases: expect.stringMatching(/^Phase 1: only the last phase can repeat until cancelled/) } });
  });

  it('refuses to open the shop while payments are off, beside the field', async () => {
    const c = await commerceClinic({ shopEnabled: false, paymentsEnabled: false });
    const req = await staffOf(c);
    const form = { shopEnabled: 'on', allowSkip: 'on', maxPauseDays: '90', rescheduleWindowDays: '14', retryDays: '1, 3, 7', requirementsDueDays: '7', teams: 'Support' };
    const value = returned(await invokeAction(req, shopActions.saveShopSettingsAction, {}, formData(form)));
    expect(value).toMatchObject({ ok: false, message: 'The shop was not opened.', fieldErrors: { shopEnabled: expect.stringMatching(/Turn payments on in CRM → Billing first/) } });
    expect((await db().select().from(commerceSettings).where(eq(commerceSettings.tenantId, c.tenant.id)))[0]!.shopEnabled).toBe(false);
    expect(html(await invokeAction(req, shopPage))).toContain('The clinic does not take payments yet, so the shop cannot open.');
  });

  it('renders the lists and forms with the catalogue, and empty states', async () => {
    const c = await commerceClinic();
    const req = await staffOf(c);
    const list = html(await invokeAction(req, productsPage, { searchParams: Promise.resolve({}) }));
    expect(list).toContain('Travel kit');
    expect(list).toContain('$99.00 for the first month, then $149.00 every month');
    expect(list).not.toContain('Old kit');
    expect(html(await invokeAction(req, productsPage, { searchParams: Promise.resolve({ status: 'archived' }) }))).toContain('Old kit');
    expect(html(await invokeAction(req, newProductPage))).toContain(c.intake.title);
    const coupons = html(await invokeAction(req, couponsPage, { searchParams: Promise.resolve({}) }));
    expect(coupons).toContain('WELCOME10');
    expect(coupons).toContain('10 % off');
    expect(html(await invokeAction(req, couponsPage, { searchParams: Promise.resolve({ status: 'archived' }) }))).toContain('No archived coupons.');
    expect(html(await invokeAction(req, newCouponPage))).toContain('Care plan');
    expect(html(await invokeAction(req, couponPage, { params: Promise.resolve({ id: c.welcome.id }), searchParams: Promise.resolve({}) }))).toContain('WELCOME10');
    const shop = html(await invokeAction(req, shopPage));
    expect(shop).toContain('Save shop options');
    expect(shop).toContain('1, 3, 7');
  });
});

describe('another clinic and the permission', () => {
  it('answers not found for another clinic’s product and coupon', async () => {
    const c = await commerceClinic();
    const other = await commerceClinic();
    const req = await staffOf(c);
    expect(await invokeAction(req, productPage, { params: Promise.resolve({ id: other.oneTime.id }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(req, couponPage, { params: Promise.resolve({ id: other.welcome.id }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'not-found' });
    expect(returned(await invokeAction(req, productActions.archiveProductAction, {}, formData({ productId: other.oneTime.id }))))
      .toEqual({ ok: false, message: 'This product no longer exists. Reload the page to see the current list.' });
    expect(returned(await invokeAction(req, couponActions.archiveCouponAction, {}, formData({ couponId: other.welcome.id }))))
      .toEqual({ ok: false, message: 'This coupon no longer exists. Reload the page to see the current list.' });
    expect((await db().select().from(products).where(eq(products.id, other.oneTime.id)))[0]!.status).toBe('active');
  });

  it('refuses staff without commerce.catalog, pages and actions alike', async () => {
    const c = await commerceClinic();
    const req = await staffOf(c, 'support');
    for (const outcome of [
      await invokeAction(req, productsPage, { searchParams: Promise.resolve({}) }),
      await invokeAction(req, couponsPage, { searchParams: Promise.resolve({}) }),
      await invokeAction(req, shopPage),
      await invokeAction(req, productActions.archiveProductAction, {}, formData({ productId: c.oneTime.id })),
      await invokeAction(req, couponActions.createCouponAction, {}, formData(couponFields())),
      await invokeAction(req, shopActions.saveShopSettingsAction, {}, formData({ retryDays: '1', maxPauseDays: '9', rescheduleWindowDays: '1', requirementsDueDays: '1' })),
    ]) expect(isRefusal(outcome), describeOutcome(outcome)).toBe(true);
    expect((await db().select().from(products).where(eq(products.id, c.oneTime.id)))[0]!.status).toBe('active');
    expect(await db().select().from(coupons).where(eq(coupons.tenantId, c.tenant.id))).toHaveLength(1);
  });
});
