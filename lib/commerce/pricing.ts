import 'server-only';
import type { ProductKind } from '@/db/schema/commerce';
import { invoiceTotals, lineAmounts, type InvoiceTotals } from '@/lib/billing/money';
import { phaseForCycle, type PhaseLike } from './cycles';
import { couponDiscounts, type CouponLike } from './coupon-rules';

/**
 * An order's amounts, pure: cart lines → each line's subtotal, coupon discount and tax (charged on
 * what is left after the discount, rounded per line by lib/billing/money.ts) → the totals. The
 * cart page, the checkout and the invoice all read these numbers, so what the patient saw is
 * what the invoice asks.
 */

/** The most of one product in one order (order_lines allows 1–100). */
export const MAX_QUANTITY = 10;
/** The most lines in one cart. */
export const MAX_CART_LINES = 20;

export interface PricingProduct {
  id: string;
  kind: ProductKind;
  /** A one-time product's price; null for a subscription (its phases price it). */
  unitAmount: number | null;
  taxable: boolean;
  phases: readonly PhaseLike[];
}

export interface PricingLineInput {
  product: PricingProduct;
  quantity: number;
}

export interface PricedLine {
  productId: string;
  kind: ProductKind;
  quantity: number;
  unitAmount: number;
  subtotal: number;
  discountAmount: number;
  taxRateBp: number;
  taxAmount: number;
  total: number;
  /** A subscription line: the phase and cycle it charges (the first). */
  phasePosition: number | null;
  cycleNumber: number | null;
}

export interface PricedOrder extends InvoiceTotals {
  lines: PricedLine[];
}

export class PricingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PricingError';
  }
}

/** The price of one unit now: a one-time product's price, or a subscription's first cycle. */
export function unitPriceOf(product: PricingProduct): { unitAmount: number; phasePosition: number | null; cycleNumber: number | null } {
  if (product.kind === 'one_time') {
    if (product.unitAmount === null) throw new PricingError('a one-time product without a price');
    return { unitAmount: product.unitAmount, phasePosition: null, cycleNumber: null };
  }
  const first = phaseForCycle(product.phases, 1);
  if (!first) throw new PricingError('a subscription product without phases');
  return { unitAmount: first.phase.unitAmount, phasePosition: first.phase.position, cycleNumber: 1 };
}

/**
 * Prices the lines with the clinic's tax rate (taxable products only) and, when given, the
 * coupon's discount on its eligible products. A subscription is bought one at a time.
 */
export function priceOrder(
  lines: readonly PricingLineInput[],
  taxRateBp: number,
  coupon: { coupon: Pick<CouponLike, 'kind' | 'percentBp' | 'amountOff'>; eligibleProductIds: ReadonlySet<string> | null } | null = null,
): PricedOrder {
  const base = lines.map((l) => {
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_QUANTITY) throw new PricingError('quantity out of range');
    if (l.product.kind === 'subscription' && l.quantity !== 1) throw new PricingError('a subscription is bought one at a time');
    const price = unitPriceOf(l.product);
    return { line: l, price, subtotal: price.unitAmount * l.quantity };
  });
  const discounts = coupon
    ? couponDiscounts(coupon.coupon, base.map((b) => ({ productId: b.line.product.id, subtotal: b.subtotal })), coupon.eligibleProductIds)
    : base.map(() => 0);
  const priced = base.map((b, i): PricedLine => {
    const taxRate = b.line.product.taxable ? taxRateBp : 0;
    const amounts = lineAmounts({ quantity: b.line.quantity, unitAmount: b.price.unitAmount, discountAmount: discounts[i]!, taxRateBp: taxRate });
    return {
      productId: b.line.product.id, kind: b.line.product.kind, quantity: b.line.quantity, unitAmount: b.price.unitAmount,
      subtotal: amounts.subtotal, discountAmount: amounts.discountAmount, taxRateBp: taxRate, taxAmount: amounts.taxAmount, total: amounts.total,
      phasePosition: b.price.phasePosition, cycleNumber: b.price.cycleNumber,
    };
  });
  return { lines: priced, ...invoiceTotals(priced) };
}
