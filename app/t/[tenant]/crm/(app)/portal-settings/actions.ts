'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formFields, settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';
import { updatePortalSettings } from '@/lib/settings/portal-settings';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

export async function savePortalSettingsAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, [
    'portalEnabled', 'identificationMode', 'nationalIdLabel', 'accessMode', 'defaultDocumentNotification',
    'patientUploadsAllowed', 'minNoticeMinutes', 'bookingHorizonDays', 'bufferMinutes', 'cancellationWindowHours',
    'staffIdleTimeoutMinutes', 'messagingPolicy',
  ]);
  let changed: boolean;
  try {
    ({ changed } = await updatePortalSettings(getDb(), ctx, values));
  } catch (error) {
    return settingsFailure(error, values);
  }
  if (!changed) return { ok: true, message: 'Nothing to save: the settings are already as shown.' };
  revalidateTenant(ctx.tenant.id);
  revalidatePath('/crm/portal-settings');
  return { ok: true, message: 'Portal settings saved. They apply from the next page load; staff idle timeouts from the next sign-in.' };
}
