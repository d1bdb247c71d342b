'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { updateBillingSettings } from '@/lib/billing/settings';
import { BILLING_SETTINGS_FIELDS, billingSettingsSchema } from '@/lib/billing/settings-forms';

export const saveBillingSettingsAction = staffAction(
  {
    area: 'crm', permission: 'billing.settings', schema: billingSettingsSchema, echo: BILLING_SETTINGS_FIELDS,
    messages: { forbidden: 'You don’t have permission to change the clinic’s billing options.' },
  },
  async (ctx, input): Promise<ActionState> => {
    const { changed } = await updateBillingSettings(getDb(), ctx, input);
    if (!changed) return { ok: true, message: 'Nothing to save: the billing options are already as shown.' };
    // Read per request by the portal, the EMR and the payment code: only this page shows them cached.
    revalidatePath('/crm/billing');
    return { ok: true, message: 'Billing options saved.' };
  },
);
