'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { publicFormAction } from '@/lib/actions/wrappers';
import { addToCart, readCart, setCartQuantity, writeCart } from '@/lib/commerce/cart';
import { getShopProduct } from '@/lib/commerce/catalog-reads';
import { requireShopOpen } from '@/lib/commerce/checkout';
import { addToCartSchema, couponSchema, removeFromCartSchema, updateCartSchema } from '@/lib/commerce/checkout-forms';
import { couponCodeKey } from '@/lib/commerce/coupon-rules';
import { shop } from '@/lib/i18n/messages/shop';

/**
 * The shop's cart, for anyone on the clinic's host (a visitor or a signed-in patient): the cart
 * lives in an httpOnly cookie of ids and quantities (lib/commerce/cart.ts). Every action answers
 * not-found while the clinic's shop is closed, and adds only products the shop sells now. Each
 * is a plain form that goes back to the cart, so it works without JavaScript.
 */

const spec = { catalog: shop } as const;

export const addToCartAction = publicFormAction(
  { ...spec, schema: addToCartSchema },
  async (ctx, input) => {
    const db = getDb();
    await requireShopOpen(db, ctx.tenant.id);
    const product = await getShopProduct(db, ctx.tenant.id, input.productId);
    const cart = addToCart(await readCart(ctx.tenant.id), product.id, input.quantity ?? 1, product.kind === 'subscription');
    await writeCart(ctx.tenant.id, cart);
    redirect(`/portal/shop/cart?added=${product.id}`);
  },
);

export const updateCartLineAction = publicFormAction(
  { ...spec, schema: updateCartSchema },
  async (ctx, input) => {
    await requireShopOpen(getDb(), ctx.tenant.id);
    await writeCart(ctx.tenant.id, setCartQuantity(await readCart(ctx.tenant.id), input.productId, input.quantity));
    redirect('/portal/shop/cart?updated=1');
  },
);

export const removeCartLineAction = publicFormAction(
  { ...spec, schema: removeFromCartSchema },
  async (ctx, input) => {
    await requireShopOpen(getDb(), ctx.tenant.id);
    await writeCart(ctx.tenant.id, setCartQuantity(await readCart(ctx.tenant.id), input.productId, 0));
    redirect('/portal/shop/cart?updated=1');
  },
);

/**
 * Keeps the code with the cart; the cart page says whether it applies (and why not) as the
 * checkout would. What cannot be a code at all is not kept.
 */
export const applyCouponAction = publicFormAction(
  { ...spec, schema: couponSchema },
  async (ctx, input) => {
    await requireShopOpen(getDb(), ctx.tenant.id);
    const code = input.couponCode.trim();
    if (!couponCodeKey(code)) redirect('/portal/shop/cart?coupon=invalid');
    await writeCart(ctx.tenant.id, { ...(await readCart(ctx.tenant.id)), couponCode: code });
    redirect('/portal/shop/cart');
  },
);

export const removeCouponAction = publicFormAction(
  spec,
  async (ctx) => {
    await requireShopOpen(getDb(), ctx.tenant.id);
    await writeCart(ctx.tenant.id, { ...(await readCart(ctx.tenant.id)), couponCode: null });
    redirect('/portal/shop/cart');
  },
);
