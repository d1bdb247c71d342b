'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { couponFromForm, couponIdSchema, createCouponSchema, updateCouponSchema } from '@/lib/commerce/coupon-forms';
import { archiveCoupon, createCoupon, restoreCoupon, updateCoupon } from '@/lib/commerce/coupons';

/**
 * CRM → Coupons (issue 17 point 2): add, edit, archive and restore coupons, with commerce.catalog
 * (lib/ checks it again). A code taken in any case is a field error beside the code.
 */

const catalog = {
  area: 'crm',
  permission: 'commerce.catalog',
  messages: {
    notFound: 'This coupon no longer exists. Reload the page to see the current list.',
    forbidden: 'You don’t have permission to change the shop’s coupons.',
  },
} as const;

const ECHO = ['code', 'description', 'kind', 'percent', 'amount', 'validFrom', 'validTo', 'appliesTo', 'maxRedemptions', 'perPatientLimit', 'subscriptionCycles', 'firstOrderOnly'];

export const createCouponAction = staffAction({ ...catalog, schema: createCouponSchema, echo: ECHO }, async (ctx, values): Promise<ActionState> => {
  const { id } = await createCoupon(getDb(), ctx, { ...couponFromForm(values), currency: values.currency });
  redirect(`/crm/coupons/${id}?done=created`);
});

export const updateCouponAction = staffAction({ ...catalog, schema: updateCouponSchema, echo: ECHO }, async (ctx, values): Promise<ActionState> => {
  const { changed } = await updateCoupon(getDb(), ctx, values.couponId, { ...couponFromForm(values), currency: values.currency });
  if (!changed) return { ok: true, message: 'Nothing to save: the coupon is already as shown.' };
  refresh();
  return { ok: true, message: 'Coupon saved.' };
});

export const archiveCouponAction = staffAction({ ...catalog, schema: couponIdSchema }, async (ctx, { couponId }): Promise<ActionState> => {
  const { changed } = await archiveCoupon(getDb(), ctx, couponId);
  refresh();
  return { ok: true, message: changed ? 'Archived: checkout no longer accepts the code. It keeps its redemptions.' : 'The coupon was already archived.' };
});

export const restoreCouponAction = staffAction({ ...catalog, schema: couponIdSchema }, async (ctx, { couponId }): Promise<ActionState> => {
  const { changed } = await restoreCoupon(getDb(), ctx, couponId);
  refresh();
  return { ok: true, message: changed ? 'Restored: checkout accepts the code again, within its dates and limits.' : 'The coupon was already active.' };
});
