import 'server-only';
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { couponProducts, coupons, products, type Coupon, type CouponKind } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { getBillingSettings } from '@/lib/billing/settings';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { NotFoundError, PG, postgresErrorCode, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { CommerceAuditActions } from './audit-actions';
import type { CouponInput } from './coupon-forms';
import { couponCodeKey } from './coupon-rules';

/**
 * Coupons (CRM → Coupons, `commerce.catalog`), and the two reads checkout uses. A code is typed
 * in any case: `code_key` is its lower case, unique per clinic (archived coupons keep theirs).
 */

/** The coupon with this code, in any case, unless archived; null when there is none. */
export async function findCouponByCode(db: Executor, tenantId: string, code: string): Promise<Coupon | null> {
  // ASCII before lower-casing: a look-alike (the Kelvin sign) must not lower-case into a real code.
  const key = couponCodeKey(code);
  if (!key) return null;
  const [row] = await db
    .select()
    .from(coupons)
    .where(and(eq(coupons.tenantId, tenantId), eq(coupons.codeKey, key), isNull(coupons.archivedAt)));
  return row ?? null;
}

/**
 * The products a coupon is limited to; null when it applies to every product. NotFoundError when
 * it is not the clinic's (never null: that would read as "every product").
 */
export async function couponProductIds(db: Executor, tenantId: string, couponId: string): Promise<string[] | null> {
  if (!isUuid(couponId)) throw new NotFoundError('coupon');
  const [coupon] = await db
    .select({ appliesToAll: coupons.appliesToAll })
    .from(coupons)
    .where(and(eq(coupons.tenantId, tenantId), eq(coupons.id, couponId)));
  if (!coupon) throw new NotFoundError('coupon');
  if (coupon.appliesToAll) return null;
  const rows = await db
    .select({ productId: couponProducts.productId })
    .from(couponProducts)
    .where(and(eq(couponProducts.tenantId, tenantId), eq(couponProducts.couponId, couponId)));
  return rows.map((r) => r.productId).sort();
}

// ---------------------------------------------------------------------------------------------
// CRM → Coupons

type CouponRuleCode = 'code-taken' | 'limit-below-redemptions' | 'product-unavailable' | 'currency-changed';

export class CouponRuleError extends RuleError {
  constructor(code: CouponRuleCode, message: string, fieldErrors?: Record<string, string>) {
    super(code, message, fieldErrors);
    this.name = 'CouponRuleError';
  }
}

const codeTaken = (code: string) => new CouponRuleError('code-taken', 'The coupon was not saved.', {
  code: `The clinic already has a coupon with the code ${code}: codes match in any case, and archived coupons keep theirs. Choose another code.`,
});

export interface CouponListRow {
  id: string;
  code: string;
  description: string | null;
  kind: CouponKind;
  percentBp: number | null;
  amountOff: number | null;
  /** Calendar days in the clinic's zone, first and last (inclusive); null: open. */
  validFrom: string | null;
  validTo: string | null;
  appliesToAll: boolean;
  productCount: number;
  maxRedemptions: number | null;
  perPatientLimit: number | null;
  firstOrderOnly: boolean;
  subscriptionCycles: number | null;
  redemptionCount: number;
  archived: boolean;
}

/** The instants a coupon is valid between, from the clinic's calendar days (the last day whole). */
export function validityInstants(from: string | null, to: string | null, timeZone: string): { validFrom: Date | null; validTo: Date | null } {
  return {
    validFrom: from ? zonedInstant(from, '00:00', timeZone) : null,
    validTo: to ? zonedInstant(addDays(to, 1), '00:00', timeZone) : null,
  };
}

/** The calendar days shown for stored instants (validTo is the first moment it no longer applies). */
export function validityDays(validFrom: Date | null, validTo: Date | null, timeZone: string): { validFrom: string | null; validTo: string | null } {
  return {
    validFrom: validFrom ? zonedDate(validFrom, timeZone) : null,
    validTo: validTo ? zonedDate(new Date(validTo.getTime() - 1), timeZone) : null,
  };
}

const listColumns = {
  id: coupons.id, code: coupons.code, description: coupons.description, kind: coupons.kind, percentBp: coupons.percentBp,
  amountOff: coupons.amountOff, validFrom: coupons.validFrom, validTo: coupons.validTo, appliesToAll: coupons.appliesToAll,
  maxRedemptions: coupons.maxRedemptions, perPatientLimit: coupons.perPatientLimit, firstOrderOnly: coupons.firstOrderOnly,
  subscriptionCycles: coupons.subscriptionCycles, redemptionCount: coupons.redemptionCount, archivedAt: coupons.archivedAt,
  productCount: sql<number>`(select count(*)::int from coupon_products cp where cp.tenant_id = "coupons"."tenant_id" and cp.coupon_id = "coupons"."id")`,
};

type SelectedRow = Omit<CouponListRow, 'archived' | 'validFrom' | 'validTo'> & { validFrom: Date | null; validTo: Date | null; archivedAt: Date | null };

function toListRow(row: SelectedRow, timeZone: string): CouponListRow {
  const { archivedAt, validFrom, validTo, ...rest } = row;
  return { ...rest, ...validityDays(validFrom, validTo, timeZone), archived: archivedAt !== null };
}

/** The clinic's coupons (active or archived), codes in order, with redemptions used. */
export async function listCoupons(db: Executor, ctx: StaffContext, filter: { status: 'active' | 'archived' }): Promise<{ rows: CouponListRow[]; currency: string; timeZone: string }> {
  assertPermission(ctx, 'commerce.catalog');
  const [rows, timeZone, billing] = await Promise.all([
    db.select(listColumns).from(coupons)
      .where(and(eq(coupons.tenantId, ctx.tenant.id), filter.status === 'archived' ? isNotNull(coupons.archivedAt) : isNull(coupons.archivedAt)))
      .orderBy(asc(coupons.codeKey)),
    clinicTimeZone(db, ctx.tenant.id),
    getBillingSettings(db, ctx.tenant.id),
  ]);
  return { rows: rows.map((r) => toListRow(r, timeZone)), currency: billing.currency, timeZone };
}

export type CouponForEdit = CouponListRow & { productIds: string[] };

/** One coupon of the clinic for its edit page; NotFoundError otherwise. */
export async function getCouponForEdit(db: Executor, ctx: StaffContext, couponId: string): Promise<CouponForEdit> {
  assertPermission(ctx, 'commerce.catalog');
  if (!isUuid(couponId)) throw new NotFoundError('coupon');
  const [row] = await db.select({
    ...listColumns,
    productIds: sql<string[]>`coalesce((select json_agg(cp.product_id order by cp.product_id) from coupon_products cp where cp.tenant_id = "coupons"."tenant_id" and cp.coupon_id = "coupons"."id"), '[]'::json)`,
  }).from(coupons).where(and(eq(coupons.tenantId, ctx.tenant.id), eq(coupons.id, couponId)));
  if (!row) throw new NotFoundError('coupon');
  const { productIds, ...rest } = row;
  return { ...toListRow(rest, await clinicTimeZone(db, ctx.tenant.id)), productIds };
}

/** Adds a coupon; a code the clinic already has (in any case) is a field error, never a 500. */
export async function createCoupon(db: Executor, ctx: StaffContext, input: CouponInput & { currency?: string }): Promise<{ id: string }> {
  assertPermission(ctx, 'commerce.catalog');
  try {
    return await db.transaction(async (tx) => {
      const columns = await couponColumns(tx, ctx, input);
      if (await codeHolder(tx, ctx.tenant.id, columns.codeKey)) throw codeTaken(input.code);
      await checkProducts(tx, ctx.tenant.id, null, input.productIds);
      const [row] = await tx.insert(coupons).values({ tenantId: ctx.tenant.id, ...columns }).returning({ id: coupons.id });
      const id = row!.id;
      await replaceCouponProducts(tx, ctx.tenant.id, id, input.productIds);
      await recordAudit(tx, ctx, {
        action: CommerceAuditActions.couponCreated,
        target: { type: 'coupon', id },
        details: { kind: input.kind, percentBp: input.percentBp, amountOff: input.amountOff, products: input.productIds?.length ?? 'all', maxRedemptions: input.maxRedemptions },
      });
      return { id };
    });
  } catch (error) {
    if (postgresErrorCode(error) === PG.uniqueViolation) throw codeTaken(input.code);
    throw error;
  }
}

/**
 * Saves the edit form. The total limit cannot go below the redemptions so far (the row is locked
 * as checkout locks it to take one, so the two cannot pass each other).
 */
export async function updateCoupon(db: Executor, ctx: StaffContext, couponId: string, input: CouponInput & { currency?: string }): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'commerce.catalog');
  if (!isUuid(couponId)) throw new NotFoundError('coupon');
  try {
    return await db.transaction(async (tx) => {
      const [before] = await tx.select().from(coupons).where(and(eq(coupons.tenantId, ctx.tenant.id), eq(coupons.id, couponId))).for('update');
      if (!before) throw new NotFoundError('coupon');
      const next = await couponColumns(tx, ctx, input);
      if (next.codeKey !== before.codeKey && (await codeHolder(tx, ctx.tenant.id, next.codeKey))) throw codeTaken(input.code);
      if (next.maxRedemptions !== null && next.maxRedemptions < before.redemptionCount) {
        throw new CouponRuleError('limit-below-redemptions', 'The coupon was not saved.', {
          maxRedemptions: `This coupon has been used ${before.redemptionCount} ${before.redemptionCount === 1 ? 'time' : 'times'}, so its total limit cannot be lower than ${before.redemptionCount}.`,
        });
      }
      await checkProducts(tx, ctx.tenant.id, couponId, input.productIds);
      const changed: string[] = (Object.keys(next) as (keyof typeof next)[]).filter((k) => {
        const a = before[k];
        const b = next[k];
        return a instanceof Date || b instanceof Date ? (a as Date | null)?.getTime() !== (b as Date | null)?.getTime() : a !== b;
      });
      if (await replaceCouponProducts(tx, ctx.tenant.id, couponId, input.productIds)) changed.push('products');
      if (changed.length === 0) return { changed: false };
      await tx.update(coupons).set({ ...next, updatedAt: now() }).where(and(eq(coupons.tenantId, ctx.tenant.id), eq(coupons.id, couponId)));
      await recordAudit(tx, ctx, { action: CommerceAuditActions.couponUpdated, target: { type: 'coupon', id: couponId }, details: { changed } });
      return { changed: true };
    });
  } catch (error) {
    if (postgresErrorCode(error) === PG.uniqueViolation) throw codeTaken(input.code);
    throw error;
  }
}

/** Archived: checkout no longer finds it; it keeps its code and its redemptions. */
export async function archiveCoupon(db: Executor, ctx: StaffContext, couponId: string): Promise<{ changed: boolean }> {
  return setArchived(db, ctx, couponId, true);
}

export async function restoreCoupon(db: Executor, ctx: StaffContext, couponId: string): Promise<{ changed: boolean }> {
  return setArchived(db, ctx, couponId, false);
}

async function setArchived(db: Executor, ctx: StaffContext, couponId: string, archive: boolean): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'commerce.catalog');
  if (!isUuid(couponId)) throw new NotFoundError('coupon');
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ archivedAt: coupons.archivedAt }).from(coupons)
      .where(and(eq(coupons.tenantId, ctx.tenant.id), eq(coupons.id, couponId))).for('update');
    if (!before) throw new NotFoundError('coupon');
    if ((before.archivedAt !== null) === archive) return { changed: false };
    await tx.update(coupons).set({ archivedAt: archive ? now() : null, updatedAt: now() })
      .where(and(eq(coupons.tenantId, ctx.tenant.id), eq(coupons.id, couponId)));
    await recordAudit(tx, ctx, {
      action: archive ? CommerceAuditActions.couponArchived : CommerceAuditActions.couponRestored,
      target: { type: 'coupon', id: couponId },
    });
    return { changed: true };
  });
}

/** The columns a form writes; a fixed amount must be in the clinic's currency as it is now. */
async function couponColumns(tx: Executor, ctx: StaffContext, input: CouponInput & { currency?: string }) {
  if (input.kind === 'amount' && input.currency !== undefined) {
    const { currency } = await getBillingSettings(tx, ctx.tenant.id);
    if (currency !== input.currency) {
      throw new CouponRuleError('currency-changed', 'The coupon was not saved.', {
        amount: `The clinic’s currency is now ${currency}. Reload the page and enter the amount again.`,
      });
    }
  }
  const timeZone = await clinicTimeZone(tx, ctx.tenant.id);
  return {
    code: input.code,
    codeKey: input.code.toLowerCase(),
    description: input.description,
    kind: input.kind,
    percentBp: input.kind === 'percent' ? input.percentBp : null,
    amountOff: input.kind === 'amount' ? input.amountOff : null,
    ...validityInstants(input.validFrom, input.validTo, timeZone),
    appliesToAll: input.productIds === null,
    maxRedemptions: input.maxRedemptions,
    perPatientLimit: input.perPatientLimit,
    firstOrderOnly: input.firstOrderOnly,
    subscriptionCycles: input.subscriptionCycles,
  };
}

async function codeHolder(tx: Executor, tenantId: string, codeKey: string): Promise<boolean> {
  const [row] = await tx.select({ id: coupons.id }).from(coupons).where(and(eq(coupons.tenantId, tenantId), eq(coupons.codeKey, codeKey)));
  return Boolean(row);
}

/** Chosen products must be the clinic's; an archived one only if the coupon already had it. */
async function checkProducts(tx: Executor, tenantId: string, couponId: string | null, productIds: readonly string[] | null): Promise<void> {
  if (!productIds?.length) return;
  const kept = couponId
    ? (await tx.select({ productId: couponProducts.productId }).from(couponProducts)
      .where(and(eq(couponProducts.tenantId, tenantId), eq(couponProducts.couponId, couponId)))).map((r) => r.productId)
    : [];
  const found = await tx.select({ id: products.id, status: products.status }).from(products)
    .where(and(eq(products.tenantId, tenantId), inArray(products.id, [...productIds])));
  if (found.length !== productIds.length || found.some((p) => p.status === 'archived' && !kept.includes(p.id))) {
    throw new CouponRuleError('product-unavailable', 'The coupon was not saved.', {
      productIds: 'One of the chosen products is no longer available. Reload the page and choose again.',
    });
  }
}

/** Makes the coupon's products exactly these (none when it applies to all); answers whether anything changed. */
async function replaceCouponProducts(tx: Executor, tenantId: string, couponId: string, productIds: readonly string[] | null): Promise<boolean> {
  const wanted = productIds ?? [];
  const current = (await tx.select({ productId: couponProducts.productId }).from(couponProducts)
    .where(and(eq(couponProducts.tenantId, tenantId), eq(couponProducts.couponId, couponId)))).map((r) => r.productId);
  const removed = current.filter((id) => !wanted.includes(id));
  const added = wanted.filter((id) => !current.includes(id));
  if (removed.length) {
    await tx.delete(couponProducts).where(and(eq(couponProducts.tenantId, tenantId), eq(couponProducts.couponId, couponId), inArray(couponProducts.productId, removed)));
  }
  if (added.length) await tx.insert(couponProducts).values(added.map((productId) => ({ tenantId, couponId, productId })));
  return removed.length + added.length > 0;
}
