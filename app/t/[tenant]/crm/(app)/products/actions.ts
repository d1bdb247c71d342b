'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { createProductSchema, productFromForm, productIdSchema, updateProductSchema } from '@/lib/commerce/product-forms';
import { archiveProduct, createProduct, deleteProduct, restoreProduct, updateProduct } from '@/lib/commerce/products';

/**
 * CRM → Products (issue 17 point 1): add, edit, archive, restore and delete products. Each needs
 * commerce.catalog (lib/ checks it again). The shop reads products per request, so refreshing
 * the page posted from is all a change needs.
 */

const catalog = {
  area: 'crm',
  permission: 'commerce.catalog',
  messages: {
    notFound: 'This product no longer exists. Reload the page to see the current list.',
    forbidden: 'You don’t have permission to change the shop’s products.',
  },
} as const;

/** Text fields shown again as posted after a refusal (the rows are kept by the page itself). */
const ECHO = ['name', 'description', 'category', 'price', 'position', 'imageAlt', 'kind', 'visibility', 'taxable', 'requiresShipping'];

export const createProductAction = staffAction({ ...catalog, schema: createProductSchema, echo: ECHO }, async (ctx, values): Promise<ActionState> => {
  const { id } = await createProduct(getDb(), ctx, productFromForm(values), { file: values.image });
  redirect(`/crm/products/${id}?done=created`);
});

export const updateProductAction = staffAction({ ...catalog, schema: updateProductSchema, echo: ECHO }, async (ctx, values): Promise<ActionState> => {
  const { changed } = await updateProduct(getDb(), ctx, values.productId, productFromForm(values), { file: values.image, remove: values.removeImage });
  if (!changed) return { ok: true, message: 'Nothing to save: the product is already as shown.' };
  refresh();
  return { ok: true, message: 'Product saved.' };
});

export const archiveProductAction = staffAction({ ...catalog, schema: productIdSchema }, async (ctx, { productId }): Promise<ActionState> => {
  const { changed } = await archiveProduct(getDb(), ctx, productId);
  refresh();
  return { ok: true, message: changed ? 'Archived: the product left the shop. Its orders and subscriptions keep it.' : 'The product was already archived.' };
});

export const restoreProductAction = staffAction({ ...catalog, schema: productIdSchema }, async (ctx, { productId }): Promise<ActionState> => {
  const { changed } = await restoreProduct(getDb(), ctx, productId);
  refresh();
  return { ok: true, message: changed ? 'Restored: the product is active again.' : 'The product was already active.' };
});

export const deleteProductAction = staffAction({ ...catalog, schema: productIdSchema }, async (ctx, { productId }): Promise<ActionState> => {
  await deleteProduct(getDb(), ctx, productId);
  redirect('/crm/products?done=deleted');
});
