'use server';

import { refresh } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { updateCommerceSettings } from '@/lib/commerce/settings-admin';
import { SHOP_SETTINGS_FIELDS, shopSettingsSchema } from '@/lib/commerce/settings-forms';

/** CRM → Shop: the shop and subscription options (commerce.catalog; lib/ checks it again). */
export const saveShopSettingsAction = staffAction(
  {
    area: 'crm', permission: 'commerce.catalog', schema: shopSettingsSchema, echo: SHOP_SETTINGS_FIELDS,
    messages: { forbidden: 'You don’t have permission to change the shop’s options.' },
  },
  async (ctx, input): Promise<ActionState> => {
    const { changed } = await updateCommerceSettings(getDb(), ctx, input);
    if (!changed) return { ok: true, message: 'Nothing to save: the shop options are already as shown.' };
    // The portal reads these per request: only this page shows them from before the change.
    refresh();
    return { ok: true, message: 'Shop options saved.' };
  },
);
