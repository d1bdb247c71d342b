import 'server-only';
import { createHash } from 'node:crypto';
import { and, count, eq, gt, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  cardAuthorizations, couponRedemptions, coupons, gatewayCustomers, orderLines, orders, patients, paymentAllocations, payments, savedCards, type Coupon, type Order,
} from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { portalActorLabel, recordAudit } from '@/lib/audit/record-audit';
import { grantAuthorization, saveCard } from '@/lib/billing/cards';
import { gatewayFor } from '@/lib/billing/gateway';
import { issueInvoice } from '@/lib/billing/invoices';
import { invoiceSums } from '@/lib/billing/ledger';
import { chargeAtGateway, PaymentRefusedError, settledOf, startPayment } from '@/lib/billing/payments';
import type { SettleActor, SettledPayment } from '@/lib/billing/settle';
import { getBillingSettings } from '@/lib/billing/settings';
import { now } from '@/lib/clock';
import { isDatabaseUnreachable, postgresErrorCode, PG, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { CommerceAuditActions } from './audit-actions';
import { getProductsForOrder, type OrderProduct } from './catalog-reads';
import { couponCodeKey, couponRefusal } from './coupon-rules';
import { findCouponByCode, couponProductIds } from './coupons';
import { completePaidOrder } from './order-processing';
import { lockOrder, moveLockedOrder, recordOrderCreated, type OrderActor } from './order-transitions';
import { MAX_CART_LINES, MAX_QUANTITY, priceOrder, type PricedOrder } from './pricing';
import { getCommerceSettings, takeOrderNumber } from './settings';

/**
 * The portal checkout (issue 17 points 3–4): the selected patient places an order for the cart
 * and pays it through billing. `placeOrder` writes everything in one transaction — the coupon
 * redeemed by a conditional UPDATE (so its limit holds however many checkouts race), the order
 * number, the order and its lines, its status history and an invoice sent at once — and
 * `payOrder` charges the card under an idempotency key made of the account and the attempt key
 * the page was shown with. A double submit is the same attempt: the order's id is derived from
 * the same key (a second insert meets the first's primary key), and the payment is found by its
 * key. Billing's settlement moves the order (paid: processing, declined: awaiting payment);
 * completePaidOrder then makes its subscriptions and requirements.
 * Nothing here writes a product's name anywhere but the order's and invoice's own lines.
 */

const MESSAGES = {
  'shop-closed': 'The shop is not available.',
  'attempt-invalid': 'This checkout page has expired. Reload it and try again.',
  'cart-empty': 'Your cart is empty.',
  'cart-too-long': `A cart can hold at most ${MAX_CART_LINES} products.`,
  'product-unavailable': 'One of the products in your cart is no longer available. Check your cart and try again.',
  quantity: `Choose a quantity from 1 to ${MAX_QUANTITY}.`,
  'subscription-quantity': 'A subscription is bought one at a time.',
  'authorization-required': 'To buy a subscription, authorise the clinic to charge your card for its renewals.',
  'shipping-required': 'Enter the address to ship your order to.',
  'total-changed': 'The total has changed since the page was shown. Check your order and try again.',
  'order-not-payable': 'This order can no longer be paid.',
  'order-paid': 'This order has already been paid.',
  'card-check-needed': 'Your bank wants to check the card before it is saved.',
  'card-not-saved': 'The card could not be saved. Try another card.',
  'card-other-gateway': 'This card was saved with another payment provider. Add it again or use a new card.',
  'coupon-unknown': 'This code is not valid.',
  'coupon-archived': 'This code is not valid.',
  'coupon-not-started': 'This code is not valid yet.',
  'coupon-expired': 'This code has expired.',
  'coupon-used-up': 'This code has been used as many times as it can be.',
  'coupon-patient-limit': 'You have already used this code as many times as you can.',
  'coupon-first-order': 'This code is for a first order only.',
  'coupon-no-products': 'This code is not for the products in your cart.',
  'coupon-currency': 'This code is not valid.',
} as const;

export type CheckoutRuleCode = keyof typeof MESSAGES;

/**
 * The database went away in the middle of a checkout. The patient is told what state they are
 * left in instead of seeing an error page: before the payment was written nothing was charged;
 * once it was, the charge may have gone through and is settled by reconciliation or Stripe's
 * webhook, and paying again is refused while it is in progress, so it is never charged twice.
 */
export class CheckoutInterruptedError extends RuleError {
  constructor(stage: 'before-order' | 'before-payment' | 'payment') {
    super(`checkout-interrupted-${stage}`, INTERRUPTED[stage]);
    this.name = 'CheckoutInterruptedError';
  }
}

const INTERRUPTED = {
  'before-order': 'The shop could not be reached just now and you have not been charged. Check Orders in a few minutes before trying again.',
  'before-payment': 'Your order is saved and you have not been charged: the shop could not be reached to take the payment. Pay for it from Orders in a few minutes.',
  payment: 'Your order is saved, but the shop could not confirm your payment just now. It will show on the order within a few minutes: do not pay again, you will not be charged twice.',
} as const;

/** Runs a step of the checkout, turning the database's going away into the patient's words for `stage`. */
async function interruptible<T>(stage: keyof typeof INTERRUPTED, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isDatabaseUnreachable(error)) throw new CheckoutInterruptedError(stage);
    throw error;
  }
}

/** A checkout refused, in English; the portal's actions put the code into the patient's language. */
export class CheckoutRuleError extends RuleError {
  constructor(code: CheckoutRuleCode, fieldErrors?: Record<string, string>) {
    super(code, MESSAGES[code], fieldErrors);
    this.name = 'CheckoutRuleError';
  }
}

export interface CartLineInput {
  productId: string;
  quantity: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

// ---------------------------------------------------------------------------------------------
// Products and prices

/** The shop must be on; with it off every shop page and action answers not-found. */
export async function requireShopOpen(db: Executor, tenantId: string): Promise<void> {
  if (!(await getCommerceSettings(db, tenantId)).shopEnabled) throw new NotFoundError('shop');
}

/** One line per product (repeats added up), in the cart's order. */
export function mergeLines(lines: readonly CartLineInput[]): CartLineInput[] {
  const out: CartLineInput[] = [];
  for (const line of lines) {
    const id = line.productId.toLowerCase();
    const known = out.find((l) => l.productId === id);
    if (known) known.quantity += line.quantity;
    else out.push({ productId: id, quantity: line.quantity });
  }
  return out;
}

export interface SellableLine {
  product: OrderProduct;
  quantity: number;
}

/** Whether the shop sells this product to patients now: active and shown in the portal. */
export function onSale(product: OrderProduct | undefined): product is OrderProduct {
  return product !== undefined && product.status === 'active' && product.visibility === 'portal';
}

/** The lines' products as the shop sells them; refused when one is not (staff-only, archived, another clinic's). */
async function sellableLines(db: Executor, tenantId: string, input: readonly CartLineInput[]): Promise<SellableLine[]> {
  const lines = mergeLines(input);
  if (lines.length === 0) throw new CheckoutRuleError('cart-empty');
  if (lines.length > MAX_CART_LINES) throw new CheckoutRuleError('cart-too-long');
  if (lines.some((l) => !isUuid(l.productId))) throw new CheckoutRuleError('product-unavailable');
  const products = await getProductsForOrder(db, tenantId, lines.map((l) => l.productId));
  return lines.map((l) => {
    const product = products.get(l.productId);
    if (!onSale(product)) throw new CheckoutRuleError('product-unavailable');
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_QUANTITY) throw new CheckoutRuleError('quantity');
    if (product.kind === 'subscription' && l.quantity !== 1) throw new CheckoutRuleError('subscription-quantity');
    if (product.kind === 'subscription' ? product.phases.length === 0 : product.unitAmount === null) throw new CheckoutRuleError('product-unavailable');
    return { product, quantity: l.quantity };
  });
}

export interface CouponState {
  coupon: Coupon;
  eligibleProductIds: ReadonlySet<string> | null;
}

/** How often the patient has used the coupon, and whether they have a paid order already. */
async function patientCouponHistory(db: Executor, tenantId: string, couponId: string, patientId: string) {
  const [used] = await db.select({ n: count() }).from(couponRedemptions)
    .where(and(eq(couponRedemptions.tenantId, tenantId), eq(couponRedemptions.couponId, couponId), eq(couponRedemptions.patientId, patientId)));
  const [paid] = await db.select({ id: orders.id }).from(orders)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.patientId, patientId), isNotNull(orders.paidAt))).limit(1);
  return { patientRedemptions: used?.n ?? 0, hasPaidOrder: Boolean(paid) };
}

/**
 * The coupon a code names, checked against the order (and the patient's history when there is a
 * patient; a visitor's cart leaves those limits to the checkout). Throws the refusal.
 */
export async function checkCoupon(
  db: Executor, tenantId: string, code: string, input: { productIds: readonly string[]; patientId: string | null; currency: string; at?: Date },
): Promise<CouponState> {
  const coupon = couponCodeKey(code) ? await findCouponByCode(db, tenantId, code) : null;
  if (!coupon) throw new CheckoutRuleError('coupon-unknown', { couponCode: MESSAGES['coupon-unknown'] });
  const eligible = await couponProductIds(db, tenantId, coupon.id);
  const eligibleProductIds = eligible === null ? null : new Set(eligible);
  const history = input.patientId ? await patientCouponHistory(db, tenantId, coupon.id, input.patientId) : { patientRedemptions: null, hasPaidOrder: null };
  const refused = couponRefusal(coupon, { now: input.at ?? now(), currency: input.currency, productIds: input.productIds, eligibleProductIds, ...history });
  if (refused) throw new CheckoutRuleError(refused.code, { couponCode: MESSAGES[refused.code] });
  return { coupon, eligibleProductIds };
}

export interface Quote {
  currency: string;
  lines: (SellableLine & { priced: PricedOrder['lines'][number] })[];
  totals: Omit<PricedOrder, 'lines'>;
  coupon: CouponState | null;
  requiresShipping: boolean;
  hasSubscription: boolean;
}

export function quoteOf(lines: readonly SellableLine[], taxRateBp: number, currency: string, coupon: CouponState | null): Quote {
  const priced = priceOrder(lines, taxRateBp, coupon);
  const { lines: pricedLines, ...totals } = priced;
  return {
    currency,
    lines: lines.map((l, i) => ({ ...l, priced: pricedLines[i]! })),
    totals,
    coupon,
    requiresShipping: lines.some((l) => l.product.requiresShipping),
    hasSubscription: lines.some((l) => l.product.kind === 'subscription'),
  };
}

/** What the checkout page shows: the cart priced for the selected patient (coupon refusals thrown). */
export async function quoteCheckout(db: Executor, ctx: PortalContext, input: { lines: readonly CartLineInput[]; couponCode: string | null }): Promise<Quote> {
  await assertPortalArea(db, ctx, 'orders');
  await requireShopOpen(db, ctx.tenant.id);
  const lines = await sellableLines(db, ctx.tenant.id, input.lines);
  const billing = await getBillingSettings(db, ctx.tenant.id);
  const coupon = input.couponCode
    ? await checkCoupon(db, ctx.tenant.id, input.couponCode, { productIds: lines.map((l) => l.product.id), patientId: ctx.patient.id, currency: billing.currency })
    : null;
  return quoteOf(lines, billing.defaultTaxRateBp, billing.currency, coupon);
}

/** The selected patient's name and address, to fill the shipping form in. */
export async function shippingDefaults(db: Executor, ctx: PortalContext): Promise<ShippingAddress> {
  await assertPortalArea(db, ctx, 'orders');
  const [row] = await db.select({
    firstName: patients.firstName, lastName: patients.lastName, line1: patients.addressLine1, line2: patients.addressLine2,
    city: patients.city, region: patients.region, postalCode: patients.postalCode, country: patients.country,
  }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, ctx.patient.id)));
  if (!row) throw new NotFoundError('patient');
  return {
    name: `${row.firstName} ${row.lastName}`.trim(), line1: row.line1 ?? '', line2: row.line2, city: row.city ?? '',
    region: row.region, postalCode: row.postalCode ?? '', country: row.country ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Placing the order

export interface PlaceOrderInput {
  /** Written into the checkout page when it was shown: a resent form is the same attempt. */
  attemptKey: string;
  lines: readonly CartLineInput[];
  couponCode?: string | null;
  shipping?: ShippingAddress | null;
  /** The patient ticked the authorisation to charge their card for the subscription's renewals. */
  authorizeSubscription?: boolean;
  /** The total the page showed: refused when it is no longer what the order comes to. */
  expectedTotal?: number;
}

/**
 * The order's id for an attempt: derived from the account and the attempt key, so a resent form
 * (or two tabs posting one page) inserts the same primary key and finds the first order.
 */
export function checkoutOrderId(accountId: string, attemptKey: string): string {
  const hex = createHash('sha256').update(`checkout:${accountId}:${attemptKey.toLowerCase()}`).digest('hex');
  // A version-8 (custom) UUID: the hash's bits with the version and variant set.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function patientActor(ctx: PortalContext): OrderActor {
  return { kind: 'patient', id: ctx.account.id };
}

function settleActor(ctx: PortalContext): SettleActor {
  return { kind: 'patient', id: ctx.account.id, label: portalActorLabel(ctx), ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null };
}

/**
 * Redeems the coupon for this order under the coupon's row lock: the conditional UPDATE takes a
 * redemption only while one is left (concurrent checkouts queue on the row and re-check), then
 * the per-patient and first-order limits are read under that lock. Throws the refusal.
 */
async function redeemCoupon(tx: Executor, ctx: PortalContext, code: string, productIds: readonly string[], currency: string, at: Date): Promise<CouponState> {
  const found = couponCodeKey(code) ? await findCouponByCode(tx, ctx.tenant.id, code) : null;
  if (!found) throw new CheckoutRuleError('coupon-unknown', { couponCode: MESSAGES['coupon-unknown'] });
  const [taken] = await tx.update(coupons)
    .set({ redemptionCount: sql`${coupons.redemptionCount} + 1`, updatedAt: at })
    .where(and(
      eq(coupons.tenantId, ctx.tenant.id), eq(coupons.id, found.id), isNull(coupons.archivedAt),
      or(isNull(coupons.validFrom), lte(coupons.validFrom, at)),
      or(isNull(coupons.validTo), gt(coupons.validTo, at)),
      or(isNull(coupons.maxRedemptions), lt(coupons.redemptionCount, coupons.maxRedemptions)),
    ))
    .returning();
  // Refused by the UPDATE: read it again (locked) to say why.
  const coupon = taken ?? (await tx.select().from(coupons).where(and(eq(coupons.tenantId, ctx.tenant.id), eq(coupons.id, found.id))).for('update'))[0];
  if (!coupon) throw new CheckoutRuleError('coupon-unknown', { couponCode: MESSAGES['coupon-unknown'] });
  const eligible = await couponProductIds(tx, ctx.tenant.id, coupon.id);
  const eligibleProductIds = eligible === null ? null : new Set(eligible);
  const history = await patientCouponHistory(tx, ctx.tenant.id, coupon.id, ctx.patient.id);
  // The count already includes this order's redemption when the UPDATE took one.
  const before = taken ? { ...coupon, redemptionCount: coupon.redemptionCount - 1 } : coupon;
  const refused = couponRefusal(before, { now: at, currency, productIds, eligibleProductIds, ...history });
  if (refused) throw new CheckoutRuleError(refused.code, { couponCode: MESSAGES[refused.code] });
  if (!taken) throw new CheckoutRuleError('coupon-used-up', { couponCode: MESSAGES['coupon-used-up'] });
  return { coupon, eligibleProductIds };
}

function checkedShipping(required: boolean, shipping: ShippingAddress | null | undefined): ShippingAddress | null {
  if (!required) return null;
  const missing: Record<string, string> = {};
  const need = (field: keyof ShippingAddress, value: string | null | undefined) => {
    if (!value || value.trim() === '') missing[`ship${field[0]!.toUpperCase()}${field.slice(1)}`] = MESSAGES['shipping-required'];
  };
  need('name', shipping?.name);
  need('line1', shipping?.line1);
  need('city', shipping?.city);
  need('postalCode', shipping?.postalCode);
  need('country', shipping?.country);
  if (!shipping || Object.keys(missing).length > 0) throw new CheckoutRuleError('shipping-required', missing);
  const clean = (v: string | null) => (v && v.trim() !== '' ? v.trim() : null);
  return {
    name: shipping.name.trim(), line1: shipping.line1.trim(), line2: clean(shipping.line2), city: shipping.city.trim(),
    region: clean(shipping.region), postalCode: shipping.postalCode.trim(), country: shipping.country.trim().toUpperCase(),
  };
}

export interface PlacedOrder {
  orderId: string;
  /** False when this attempt had already placed it (a resent form). */
  created: boolean;
  status: Order['status'];
  total: number;
  currency: string;
}

/**
 * Places the order for the selected patient in one transaction (see the file's comment). The
 * order starts `pending`; with nothing to pay (a 100 % coupon, a free product) and no
 * subscription it is paid at once (its invoice is) and moves on.
 */
export async function placeOrder(db: Executor, ctx: PortalContext, input: PlaceOrderInput): Promise<PlacedOrder> {
  return interruptible('before-order', () => placeOrderNow(db, ctx, input));
}

async function placeOrderNow(db: Executor, ctx: PortalContext, input: PlaceOrderInput): Promise<PlacedOrder> {
  await assertPortalArea(db, ctx, 'orders');
  await requireShopOpen(db, ctx.tenant.id);
  if (!isUuid(input.attemptKey)) throw new CheckoutRuleError('attempt-invalid');
  const orderId = checkoutOrderId(ctx.account.id, input.attemptKey);
  const existing = await ownOrder(db, ctx, orderId).catch(() => null);
  if (existing) return { orderId, created: false, status: existing.status, total: existing.total, currency: existing.currency };
  let placed: PlacedOrder;
  try {
    placed = await db.transaction(async (tx) => {
      const at = now();
      const lines = await sellableLines(tx, ctx.tenant.id, input.lines);
      const hasSubscription = lines.some((l) => l.product.kind === 'subscription');
      if (hasSubscription && !input.authorizeSubscription) {
        throw new CheckoutRuleError('authorization-required', { authorize: MESSAGES['authorization-required'] });
      }
      const shipping = checkedShipping(lines.some((l) => l.product.requiresShipping), input.shipping);
      const billing = await getBillingSettings(tx, ctx.tenant.id);
      const couponCode = input.couponCode?.trim() || null;
      const coupon = couponCode ? await redeemCoupon(tx, ctx, couponCode, lines.map((l) => l.product.id), billing.currency, at) : null;
      const quote = quoteOf(lines, billing.defaultTaxRateBp, billing.currency, coupon);
      if (input.expectedTotal !== undefined && input.expectedTotal !== quote.totals.total) throw new CheckoutRuleError('total-changed');

      const number = await takeOrderNumber(tx, ctx.tenant.id);
      const [order] = await tx.insert(orders).values({
        tenantId: ctx.tenant.id, id: orderId, number, patientId: ctx.patient.id, accountId: ctx.account.id, kind: 'checkout', status: 'pending',
        couponId: coupon?.coupon.id ?? null, currency: billing.currency,
        subtotal: quote.totals.subtotal, discountTotal: quote.totals.discountTotal, taxTotal: quote.totals.taxTotal, total: quote.totals.total,
        shipName: shipping?.name ?? null, shipLine1: shipping?.line1 ?? null, shipLine2: shipping?.line2 ?? null, shipCity: shipping?.city ?? null,
        shipRegion: shipping?.region ?? null, shipPostalCode: shipping?.postalCode ?? null, shipCountry: shipping?.country ?? null,
        createdAt: at, updatedAt: at, statusSince: at,
      }).returning();
      await tx.insert(orderLines).values(quote.lines.map((l, position) => ({
        tenantId: ctx.tenant.id, orderId, position, productId: l.product.id, description: l.product.name, quantity: l.quantity,
        unitAmount: l.priced.unitAmount, discountAmount: l.priced.discountAmount, taxAmount: l.priced.taxAmount, total: l.priced.total,
        phasePosition: l.priced.phasePosition, cycleNumber: l.priced.cycleNumber,
      })));
      await recordOrderCreated(tx, order!, patientActor(ctx));
      if (coupon) {
        await tx.insert(couponRedemptions).values({ tenantId: ctx.tenant.id, couponId: coupon.coupon.id, patientId: ctx.patient.id, orderId, amount: quote.totals.discountTotal });
      }
      const invoice = await issueInvoice(tx, {
        tenantId: ctx.tenant.id, patientId: ctx.patient.id, actor: { kind: 'patient', id: ctx.account.id }, source: 'checkout',
        ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null,
        lines: quote.lines.map((l) => ({
          kind: 'product' as const, serviceId: null, description: l.product.name, quantity: l.quantity,
          unitAmount: l.priced.unitAmount, discountAmount: l.priced.discountAmount, taxRateBp: l.priced.taxRateBp,
        })),
      });
      let [current] = await tx.update(orders).set({ invoiceId: invoice.id })
        .where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.id, orderId))).returning();
      // Nothing to pay and no card to keep for renewals: the order is paid now.
      if (invoice.status === 'paid' && !hasSubscription) current = await moveLockedOrder(tx, current!, 'processing', patientActor(ctx));
      await recordAudit(tx, ctx, {
        action: CommerceAuditActions.orderPlaced, patientId: ctx.patient.id, target: { type: 'order', id: orderId },
        details: { number, lines: quote.lines.length, total: quote.totals.total, currency: billing.currency, invoiceId: invoice.id, couponId: coupon?.coupon.id ?? null },
      });
      if (coupon) {
        await recordAudit(tx, ctx, {
          action: CommerceAuditActions.couponRedeemed, patientId: ctx.patient.id, target: { type: 'coupon', id: coupon.coupon.id },
          details: { orderId, amount: quote.totals.discountTotal },
        });
      }
      return { orderId, created: true, status: current!.status, total: quote.totals.total, currency: billing.currency };
    });
  } catch (error) {
    // The same attempt twice at once: the second insert met the first order's key.
    if (postgresErrorCode(error) === PG.uniqueViolation) {
      const first = await ownOrder(db, ctx, orderId).catch(() => null);
      if (first) return { orderId, created: false, status: first.status, total: first.total, currency: first.currency };
    }
    throw error;
  }
  if (placed.status === 'processing') await completePaidOrder(db, ctx.tenant.id, orderId);
  return placed;
}

/** An order of the selected patient in this clinic; anyone else's (or a malformed id) is not found. */
export async function ownOrder(db: Executor, ctx: PortalContext, orderId: string): Promise<Order> {
  await assertPortalArea(db, ctx, 'orders');
  if (!isUuid(orderId)) throw new NotFoundError('order');
  const [row] = await db.select().from(orders)
    .where(and(eq(orders.tenantId, ctx.tenant.id), eq(orders.patientId, ctx.patient.id), eq(orders.id, orderId)));
  if (!row) throw new NotFoundError('order');
  return row;
}

// ---------------------------------------------------------------------------------------------
// Paying it

export type PaySource =
  | { kind: 'token'; token: string }
  | { kind: 'saved'; savedCardId: string };

export interface PayOrderInput {
  orderId: string;
  /** A fresh key for each try: the page's key the first time, a new one after a decline. */
  attemptKey: string;
  source: PaySource;
  /** For a subscription: the patient ticked the authorisation (renewals charge the card). */
  authorizeSubscription?: boolean;
}

export type PayOrderResult =
  | { kind: 'paid'; orderId: string; paymentId: string | null }
  | { kind: 'pending'; orderId: string; paymentId: string }
  | { kind: 'requires_action'; orderId: string; paymentId: string; clientSecret: string | null }
  | { kind: 'card_check'; orderId: string; setupId: string; clientSecret: string | null }
  | { kind: 'declined'; orderId: string; paymentId: string | null; failureMessage: string | null };

export async function orderHasSubscription(db: Executor, tenantId: string, orderId: string): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(orderLines)
    .where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.orderId, orderId), isNotNull(orderLines.cycleNumber)));
  return (row?.n ?? 0) > 0;
}

/** A saved card of the selected patient, with its customer at the provider; not found otherwise. */
async function ownSavedCard(db: Executor, ctx: PortalContext, cardId: string) {
  if (!isUuid(cardId)) throw new NotFoundError('card');
  const [card] = await db.select({
    id: savedCards.id, gateway: savedCards.gateway, paymentMethodRef: savedCards.paymentMethodRef, customerRef: gatewayCustomers.customerRef,
  }).from(savedCards)
    .leftJoin(gatewayCustomers, and(eq(gatewayCustomers.tenantId, savedCards.tenantId), eq(gatewayCustomers.patientId, savedCards.patientId), eq(gatewayCustomers.gateway, savedCards.gateway)))
    .where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.patientId, ctx.patient.id), eq(savedCards.id, cardId), isNull(savedCards.removedAt)));
  if (!card) throw new NotFoundError('card');
  return card;
}

/**
 * The card's authorisation extended to subscription renewals (what the patient ticked): the
 * purposes it already covered are kept, and so is its limit. Nothing when it covers them already.
 */
async function authorizeForSubscriptions(db: Executor, ctx: PortalContext, cardId: string): Promise<void> {
  const [current] = await db.select({ scopes: cardAuthorizations.scopes, maxAmount: cardAuthorizations.maxAmount }).from(cardAuthorizations)
    .where(and(eq(cardAuthorizations.tenantId, ctx.tenant.id), eq(cardAuthorizations.savedCardId, cardId), isNull(cardAuthorizations.revokedAt)));
  if (current?.scopes.includes('subscriptions')) return;
  await grantAuthorization(db, ctx, cardId, { scopes: [...new Set([...(current?.scopes ?? []), 'subscriptions' as const])], maxAmount: current?.maxAmount ?? null });
}

/**
 * Pays the selected patient's unpaid order. A subscription needs a saved card with the patient's
 * authorisation for renewals: a new card is saved first (with it), a saved one has it added. The
 * charge is billing's (startPayment under `checkout-pay:<account>:<attempt>`, then the gateway);
 * billing's settlement moves the order, and a success makes its requirements at once.
 */
export async function payOrder(db: Executor, ctx: PortalContext, input: PayOrderInput, returnUrl?: string): Promise<PayOrderResult> {
  // Until the pending payment is written nothing can have been charged; from then on it may have.
  let stage: 'before-payment' | 'payment' = 'before-payment';
  return interruptible('payment', () => payOrderNow(db, ctx, input, returnUrl, () => { stage = 'payment'; }).catch((error: unknown) => {
    if (stage === 'before-payment' && isDatabaseUnreachable(error)) throw new CheckoutInterruptedError('before-payment');
    throw error;
  }));
}

async function payOrderNow(db: Executor, ctx: PortalContext, input: PayOrderInput, returnUrl: string | undefined, paying: () => void): Promise<PayOrderResult> {
  await assertPortalArea(db, ctx, 'orders');
  await requireShopOpen(db, ctx.tenant.id);
  if (!isUuid(input.attemptKey)) throw new CheckoutRuleError('attempt-invalid');
  const order = await ownOrder(db, ctx, input.orderId);
  const orderId = order.id;
  const key = `checkout-pay:${ctx.account.id}:${input.attemptKey.toLowerCase()}`;
  if (order.status !== 'pending' && order.status !== 'awaiting_payment') {
    if (order.status === 'cancelled' || order.status === 'refunded') throw new CheckoutRuleError('order-not-payable');
    return { kind: 'paid', orderId, paymentId: null };
  }
  if (!order.invoiceId) throw new CheckoutRuleError('order-not-payable');
  const subscription = await orderHasSubscription(db, ctx.tenant.id, orderId);
  if (subscription && !input.authorizeSubscription) throw new CheckoutRuleError('authorization-required', { authorize: MESSAGES['authorization-required'] });
  const { gateway, account, kind } = await gatewayFor(db, ctx.tenant.id);

  // A subscription is paid with a saved card: save the new one first, authorised for renewals.
  let source = input.source;
  if (subscription && source.kind === 'token') {
    const saved = await saveCard(db, ctx, { attemptKey: input.attemptKey, token: source.token, authorize: { scopes: ['subscriptions'], maxAmount: null } }, returnUrl);
    if (saved.status === 'requires_action') return { kind: 'card_check', orderId, setupId: saved.setupId, clientSecret: saved.clientSecret };
    if (saved.status !== 'succeeded' || !saved.savedCardId) {
      if (saved.status === 'pending') throw new CheckoutRuleError('card-check-needed');
      return { kind: 'declined', orderId, paymentId: null, failureMessage: saved.failureMessage ?? MESSAGES['card-not-saved'] };
    }
    source = { kind: 'saved', savedCardId: saved.savedCardId };
  }
  let card: Awaited<ReturnType<typeof ownSavedCard>> | null = null;
  if (source.kind === 'saved') {
    card = await ownSavedCard(db, ctx, source.savedCardId);
    if (card.gateway !== kind || !card.customerRef) throw new CheckoutRuleError('card-other-gateway');
    if (subscription) await authorizeForSubscriptions(db, ctx, card.id);
  }

  const due = (await invoiceSums(db, ctx.tenant.id, [order.invoiceId])).get(order.invoiceId)!.due;
  if (due <= 0) {
    // Nothing to charge (a 100 % coupon on a subscription's first cycle): the card is kept for renewals.
    await db.transaction(async (tx) => {
      const locked = await lockOrder(tx, ctx.tenant.id, orderId);
      if (locked && (locked.status === 'pending' || locked.status === 'awaiting_payment')) await moveLockedOrder(tx, locked, 'processing', patientActor(ctx));
    });
    await completePaidOrder(db, ctx.tenant.id, orderId, { savedCardId: card?.id ?? null });
    return { kind: 'paid', orderId, paymentId: null };
  }
  let started;
  paying();
  try {
    started = await startPayment(db, ctx.tenant.id, {
      patientId: ctx.patient.id, invoiceIds: [order.invoiceId], amount: due,
      method: card ? 'card_on_file' : 'card_online', gateway: kind, idempotencyKey: key, accountId: ctx.account.id,
      savedCardId: card?.id ?? null, sourceRef: card ? card.paymentMethodRef : (source as { token: string }).token,
    }, ctx);
  } catch (error) {
    if (error instanceof PaymentRefusedError && error.code === 'invoice-paid') return { kind: 'paid', orderId, paymentId: null };
    throw error;
  }
  const { payment, existing } = started;
  const result: SettledPayment = existing
    ? settledOf(payment)
    : await chargeAtGateway(db, ctx.tenant.id, payment, gateway, account,
      card ? { kind: 'saved', customerRef: card.customerRef!, paymentMethodRef: card.paymentMethodRef } : { kind: 'token', token: (source as { token: string }).token },
      settleActor(ctx), returnUrl);
  return afterCharge(db, ctx.tenant.id, orderId, result);
}

/** The selected patient's order a payment of theirs was for (by the invoice it paid); not found otherwise. */
export async function orderOfPayment(db: Executor, ctx: PortalContext, paymentId: string): Promise<Order> {
  await assertPortalArea(db, ctx, 'orders');
  if (!isUuid(paymentId)) throw new NotFoundError('payment');
  const [row] = await db.select({ order: orders }).from(payments)
    .innerJoin(paymentAllocations, and(eq(paymentAllocations.tenantId, payments.tenantId), eq(paymentAllocations.paymentId, payments.id)))
    .innerJoin(orders, and(eq(orders.tenantId, paymentAllocations.tenantId), eq(orders.invoiceId, paymentAllocations.invoiceId)))
    .where(and(eq(payments.tenantId, ctx.tenant.id), eq(payments.patientId, ctx.patient.id), eq(payments.id, paymentId), eq(orders.patientId, ctx.patient.id)))
    .limit(1);
  if (!row) throw new NotFoundError('order');
  return row.order;
}

/** Where an order stands after its payment's answer; a success makes its requirements now. */
export async function afterCharge(db: Executor, tenantId: string, orderId: string, result: SettledPayment): Promise<PayOrderResult> {
  switch (result.status) {
    case 'succeeded':
      await completePaidOrder(db, tenantId, orderId);
      return { kind: 'paid', orderId, paymentId: result.id };
    case 'requires_action':
      return { kind: 'requires_action', orderId, paymentId: result.id, clientSecret: result.clientSecret };
    case 'pending':
      return { kind: 'pending', orderId, paymentId: result.id };
    default:
      return { kind: 'declined', orderId, paymentId: result.id, failureMessage: result.failureMessage };
  }
}

// ---------------------------------------------------------------------------------------------
// Cancelling before payment

/**
 * Gives the order's coupon redemption back (the count lowered and the row deleted, in the
 * caller's transaction): for an order cancelled before it was paid (the EMR's cancel). Returns
 * whether there was one.
 */
export async function releaseOrderCoupon(tx: Executor, tenantId: string, orderId: string): Promise<boolean> {
  const released = await tx.delete(couponRedemptions)
    .where(and(eq(couponRedemptions.tenantId, tenantId), eq(couponRedemptions.orderId, orderId)))
    .returning({ couponId: couponRedemptions.couponId });
  for (const r of released) {
    await tx.update(coupons)
      .set({ redemptionCount: sql`greatest(${coupons.redemptionCount} - 1, 0)`, updatedAt: now() })
      .where(and(eq(coupons.tenantId, tenantId), eq(coupons.id, r.couponId), ne(coupons.redemptionCount, 0)));
  }
  return released.length > 0;
}
