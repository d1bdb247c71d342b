'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { updateBranding } from '@/lib/settings/branding';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

export const saveBrandingAction = staffAction(
  { area: 'crm', permission: 'settings.manage', messages: SETTINGS_MESSAGES, pick: ['displayName', 'primaryColor', 'theme'] },
  async (ctx, values): Promise<SettingsActionState> => {
    const { changed } = await updateBranding(getDb(), ctx, values);
    if (!changed) return { ok: true, message: 'Nothing to save: the branding is already as shown.' };
    // The portal reads branding through the tagged cache: the next page load shows the change.
    revalidateTenant(ctx.tenant.id);
    revalidatePath('/crm/branding');
    return { ok: true, message: 'Branding saved. Patients see it on their next page load.' };
  },
);
