import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  billingSettings, commerceSettings, couponProducts, coupons, documentTypes, formTemplates, locations, patients, portalAccountPatients, portalAccounts,
  productPhases, productRequiredForms, productRequiredUploads, products, type Coupon, type Product,
} from '@/db/schema';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { billingClinic } from './billing-fixtures';
import { portalContext } from '../support/portal-context';

/**
 * Commerce (issue 17) fixtures shared by the commerce test files. Rows are written directly (no
 * lib/ call), so a change in the catalogue or checkout code cannot break another file's setup.
 *
 * `commerceClinic()` is billingClinic() (test gateway, payments on; Maria for herself and for Leo,
 * admin, desk and support staff) plus:
 * - a clinic location in New York (the clinic's time zone) and the starter forms published;
 * - the shop open (and open to new visitors unless told otherwise), tax 8 % on taxable products;
 * - `oneTime`: "Travel kit", $25.00, taxable, ships;
 * - `subscription`: "Care plan", $99.00 for month 1, then $149.00 every month; requires the
 *   intake form and a photo ID upload (filed as "Identification"), taxable, ships;
 * - `staffOnly` (visibility staff) and `archived` one-time products, which the shop never sells;
 * - the coupon WELCOME10 (10 % off everything, no limits) and `couponOf()` for others.
 */

export const COMMERCE_TZ = 'America/New_York';
export const COMMERCE_TAX_BP = 800;

let n = 0;

export interface CommerceClinicOptions {
  shopEnabled?: boolean;
  openToNewVisitors?: boolean;
  paymentsEnabled?: boolean;
  taxRateBp?: number;
  requirementsDueDays?: number;
}

export async function commerceClinic(options: CommerceClinicOptions = {}) {
  const db = getDb();
  const base = await billingClinic({ paymentsEnabled: options.paymentsEnabled ?? true });
  const tenantId = base.tenant.id;
  await db.update(billingSettings).set({ defaultTaxRateBp: options.taxRateBp ?? COMMERCE_TAX_BP }).where(eq(billingSettings.tenantId, tenantId));
  await db.insert(commerceSettings).values({
    tenantId, shopEnabled: options.shopEnabled ?? true, openToNewVisitors: options.openToNewVisitors ?? true,
    requirementsDueDays: options.requirementsDueDays ?? 7,
  });
  await db.insert(locations).values({ tenantId, name: 'Main', addressLine1: '1 Main St', city: 'Springfield', timeZone: COMMERCE_TZ });
  await installStarterTemplates(db, tenantId);
  const [intake] = await db.select({ id: formTemplates.id, title: formTemplates.title }).from(formTemplates)
    .where(and(eq(formTemplates.tenantId, tenantId), eq(formTemplates.starterKey, 'general-intake')));
  const [idType] = await db.insert(documentTypes).values({ tenantId, name: 'Identification' }).returning({ id: documentTypes.id });

  const oneTime = await productOf(tenantId, { name: 'Travel kit', kind: 'one_time', unitAmount: 2500, position: 1 });
  const subscription = await productOf(tenantId, { name: 'Care plan', kind: 'subscription', unitAmount: null, position: 2 });
  await db.insert(productPhases).values([
    { tenantId, productId: subscription.id, position: 0, unitAmount: 9900, intervalUnit: 'month', intervalCount: 1, cycles: 1 },
    { tenantId, productId: subscription.id, position: 1, unitAmount: 14900, intervalUnit: 'month', intervalCount: 1, cycles: null },
  ]);
  await db.insert(productRequiredForms).values({ tenantId, productId: subscription.id, templateId: intake!.id });
  const [photoId] = await db.insert(productRequiredUploads)
    .values({ tenantId, productId: subscription.id, label: 'Photo ID', documentTypeId: idType!.id })
    .returning();
  const staffOnly = await productOf(tenantId, { name: 'Clinic supply', kind: 'one_time', unitAmount: 1000, visibility: 'staff', position: 3 });
  const archived = await productOf(tenantId, { name: 'Old kit', kind: 'one_time', unitAmount: 1500, status: 'archived', position: 4 });
  const welcome = await couponOf(tenantId, { code: 'WELCOME10', kind: 'percent', percentBp: 1000 });

  return {
    ...base,
    intake: intake!,
    identificationTypeId: idType!.id,
    photoIdRequirement: photoId!,
    oneTime, subscription, staffOnly, archived, welcome,
  };
}

export type CommerceClinic = Awaited<ReturnType<typeof commerceClinic>>;

/** A product of the clinic (portal-visible, active, taxable, shipping unless told otherwise). */
export async function productOf(tenantId: string, values: Partial<typeof products.$inferInsert> & Pick<typeof products.$inferInsert, 'name' | 'kind'>): Promise<Product> {
  const [row] = await getDb().insert(products).values({
    tenantId, description: `${values.name}: what it is.`, unitAmount: values.kind === 'one_time' ? 1000 : null, ...values,
  }).returning();
  return row!;
}

/** A coupon of the clinic; `productIds` limits it to those products. */
export async function couponOf(
  tenantId: string,
  values: Partial<typeof coupons.$inferInsert> & Pick<typeof coupons.$inferInsert, 'code' | 'kind'>,
  productIds: readonly string[] = [],
): Promise<Coupon> {
  const db = getDb();
  const [row] = await db.insert(coupons).values({
    tenantId, codeKey: values.code.toLowerCase(), appliesToAll: productIds.length === 0, ...values,
  }).returning();
  if (productIds.length > 0) await db.insert(couponProducts).values(productIds.map((productId) => ({ tenantId, couponId: row!.id, productId })));
  return row!;
}

/**
 * `count` patients, each with their own portal account linked 'self' (inserted in bulk, no
 * password hashing: these accounts never sign in), as portal contexts for lib/ calls.
 */
export async function shopPatients(tenant: { id: string }, count: number) {
  const db = getDb();
  const tag = `${++n}-${randomBytes(3).toString('hex')}`;
  const made = await db.insert(patients).values(Array.from({ length: count }, (_, i) => ({
    tenantId: tenant.id, recordNumber: `SHOP-${tag}-${i}`, firstName: 'Shopper', lastName: `Number${i}`, dateOfBirth: '1980-01-01',
    email: `shopper-${tag}-${i}@example.test`, phone: '+15555550123',
    addressLine1: `${i + 1} Market St`, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US',
  }))).returning();
  const accounts = await db.insert(portalAccounts).values(made.map((p) => ({
    tenantId: tenant.id, fullName: `${p.firstName} ${p.lastName}`, email: p.email, phone: '+15555550123', phoneVerifiedAt: new Date(),
    passwordHash: 'not-a-hash', status: 'active' as const,
  }))).returning();
  await db.insert(portalAccountPatients).values(made.map((p, i) => ({ tenantId: tenant.id, accountId: accounts[i]!.id, patientId: p.id, relationship: 'self' as const })));
  return made.map((patient, i) => ({ patient, account: accounts[i]!, ctx: portalContext(tenant, accounts[i]!.id, patient.id) }));
}
