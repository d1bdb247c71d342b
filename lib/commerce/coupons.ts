import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { couponProducts, coupons, type Coupon } from '@/db/schema';
import { NotFoundError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';

/**
 * Coupons (CRM → Coupons, `commerce.catalog`), and the two reads checkout uses. A code is typed
 * in any case: `code_key` is its lower case, unique per clinic (archived coupons keep theirs).
 */

/** The longest a code can be (the column's check: 3–32 of A–Z a–z 0–9 _ -). */
const CODE = /^[A-Za-z0-9_-]{3,32}$/;

/** The coupon with this code, in any case, unless archived; null when there is none. */
export async function findCouponByCode(db: Executor, tenantId: string, code: string): Promise<Coupon | null> {
  const key = code.trim().toLowerCase();
  if (!CODE.test(key)) return null;
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
