import 'server-only';
import { cookies } from 'next/headers';
import type { Executor } from '@/db/client';
import { getBillingSettings } from '@/lib/billing/settings';
import { isProduction } from '@/lib/config/env';
import { isUuid } from '@/lib/kernel/ids';
import { getProductsForOrder } from './catalog-reads';
import { checkCoupon, CheckoutRuleError, onSale, quoteOf, type CouponState, type Quote, type SellableLine } from './checkout';
import { couponCodeKey } from './coupon-rules';
import { MAX_CART_LINES, MAX_QUANTITY } from './pricing';

/**
 * The shop's cart: product ids, quantities and a coupon code in an httpOnly cookie of the
 * clinic's host (no health information: ids only, never a product's name), so a visitor can
 * fill it before having an account and keep it through sign-up. The cookie is not signed: it is
 * re-read strictly and re-checked against the catalogue on every read (a product gone from the
 * shop is taken out, quantities are clamped), and the checkout checks everything again.
 */

export const CART_COOKIE = 'cb_shop_cart';
const MAX_AGE_SECONDS = 30 * 24 * 3600;

export interface CartLine {
  productId: string;
  quantity: number;
}

export interface Cart {
  lines: CartLine[];
  couponCode: string | null;
}

export const EMPTY_CART: Cart = { lines: [], couponCode: null };

/** The cookie's value as a cart of this clinic; anything malformed (or another clinic's) is an empty cart. */
export function parseCart(raw: string | undefined, tenantId: string): Cart {
  if (!raw || raw.length > 4096) return { lines: [], couponCode: null };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return { lines: [], couponCode: null };
  }
  if (!data || typeof data !== 'object') return { lines: [], couponCode: null };
  const { t, l, c } = data as { t?: unknown; l?: unknown; c?: unknown };
  if (t !== tenantId || !Array.isArray(l)) return { lines: [], couponCode: null };
  const lines: CartLine[] = [];
  for (const entry of l.slice(0, MAX_CART_LINES)) {
    if (!Array.isArray(entry) || entry.length !== 2) continue;
    const [productId, quantity] = entry as [unknown, unknown];
    if (!isUuid(productId) || typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) continue;
    if (lines.some((x) => x.productId === productId.toLowerCase())) continue;
    lines.push({ productId: productId.toLowerCase(), quantity: Math.min(quantity, MAX_QUANTITY) });
  }
  const couponCode = typeof c === 'string' && couponCodeKey(c) ? c.trim() : null;
  return { lines, couponCode };
}

export function serializeCart(cart: Cart, tenantId: string): string {
  const data = { t: tenantId, l: cart.lines.slice(0, MAX_CART_LINES).map((l) => [l.productId, l.quantity]), ...(cart.couponCode ? { c: cart.couponCode } : {}) };
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

/** The cart with `quantity` more of the product (at most 10; a subscription stays at one). */
export function addToCart(cart: Cart, productId: string, quantity: number, oneOnly: boolean): Cart {
  const id = productId.toLowerCase();
  const known = cart.lines.find((l) => l.productId === id);
  const next = Math.min(MAX_QUANTITY, oneOnly ? 1 : (known?.quantity ?? 0) + quantity);
  const lines = known ? cart.lines.map((l) => (l.productId === id ? { ...l, quantity: next } : l)) : [...cart.lines, { productId: id, quantity: next }];
  return { ...cart, lines: lines.slice(-MAX_CART_LINES) };
}

/** The cart with the product's quantity set (0 takes it out). */
export function setCartQuantity(cart: Cart, productId: string, quantity: number): Cart {
  const id = productId.toLowerCase();
  if (quantity <= 0) return { ...cart, lines: cart.lines.filter((l) => l.productId !== id) };
  return { ...cart, lines: cart.lines.map((l) => (l.productId === id ? { ...l, quantity: Math.min(quantity, MAX_QUANTITY) } : l)) };
}

/** This request's cart (the clinic from the host). */
export async function readCart(tenantId: string): Promise<Cart> {
  return parseCart((await cookies()).get(CART_COOKIE)?.value, tenantId);
}

/** Keeps the cart for 30 days on this host; an empty one removes the cookie. */
export async function writeCart(tenantId: string, cart: Cart): Promise<void> {
  const jar = await cookies();
  if (cart.lines.length === 0 && !cart.couponCode) {
    jar.delete(CART_COOKIE);
    return;
  }
  jar.set(CART_COOKIE, serializeCart(cart, tenantId), { httpOnly: true, sameSite: 'lax', secure: isProduction, path: '/', maxAge: MAX_AGE_SECONDS });
}

export interface CartView {
  lines: SellableLine[];
  /** Lines taken out because the shop no longer sells them (or quantities lowered). */
  changed: boolean;
  quote: Quote | null;
  couponCode: string | null;
  /** Why the coupon does not apply, as the checkout would refuse it (its code). */
  couponRefusal: CheckoutRuleError | null;
  /** The cart as it should be kept (what `lines` hold). */
  cart: Cart;
}

/**
 * The cart checked against the shop now and priced, with the coupon when it applies (for a
 * visitor, without the limits that need the patient: the checkout checks those). Pure reads.
 */
export async function loadCart(db: Executor, tenantId: string, cart: Cart, patientId: string | null): Promise<CartView> {
  const products = cart.lines.length > 0 ? await getProductsForOrder(db, tenantId, cart.lines.map((l) => l.productId)) : new Map();
  let changed = false;
  const lines: SellableLine[] = [];
  for (const line of cart.lines) {
    const product = products.get(line.productId);
    const priced = onSale(product) && (product.kind === 'subscription' ? product.phases.length > 0 : product.unitAmount !== null);
    if (!priced) {
      changed = true;
      continue;
    }
    const quantity = product.kind === 'subscription' ? 1 : Math.min(line.quantity, MAX_QUANTITY);
    if (quantity !== line.quantity) changed = true;
    lines.push({ product, quantity });
  }
  const kept: Cart = { lines: lines.map((l) => ({ productId: l.product.id, quantity: l.quantity })), couponCode: cart.couponCode };
  if (lines.length === 0) return { lines, changed, quote: null, couponCode: cart.couponCode, couponRefusal: null, cart: kept };
  const billing = await getBillingSettings(db, tenantId);
  let coupon: CouponState | null = null;
  let couponRefusal: CheckoutRuleError | null = null;
  if (cart.couponCode) {
    try {
      coupon = await checkCoupon(db, tenantId, cart.couponCode, { productIds: lines.map((l) => l.product.id), patientId, currency: billing.currency });
    } catch (error) {
      if (!(error instanceof CheckoutRuleError)) throw error;
      couponRefusal = error;
    }
  }
  return { lines, changed, quote: quoteOf(lines, billing.defaultTaxRateBp, billing.currency, coupon), couponCode: cart.couponCode, couponRefusal, cart: kept };
}
