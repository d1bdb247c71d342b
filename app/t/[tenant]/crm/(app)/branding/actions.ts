'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formFields, settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';
import { updateBranding } from '@/lib/settings/branding';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

export async function saveBrandingAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, ['displayName', 'primaryColor', 'theme']);
  let changed: boolean;
  try {
    ({ changed } = await updateBranding(getDb(), ctx, values));
  } catch (error) {
    return settingsFailure(error, values);
  }
  if (!changed) return { ok: true, message: 'Nothing to save: the branding is already as shown.' };
  // The portal reads branding through the tagged cache: the next page load shows the change.
  revalidateTenant(ctx.tenant.id);
  revalidatePath('/crm/branding');
  return { ok: true, message: 'Branding saved. Patients see it on their next page load.' };
}
