'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { serviceFailure } from '@/lib/services/errors';
import { createService, updateService } from '@/lib/services/services';
import { formFields, type SettingsActionState } from '@/lib/settings/action-state';

const SERVICE_FIELDS = ['name', 'description', 'durationMinutes', 'price', 'bookableOnline', 'isVideo', 'active'];

// Services are read per request (not through the clinic's cached profile): only this page needs refreshing.
function changed() {
  revalidatePath('/crm/services');
}

export async function addServiceAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, SERVICE_FIELDS);
  try {
    await createService(getDb(), ctx, values);
  } catch (error) {
    return serviceFailure(error, values);
  }
  changed();
  return { ok: true, message: `${values.name?.trim()} added.` };
}

export async function updateServiceAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, SERVICE_FIELDS);
  try {
    const result = await updateService(getDb(), ctx, String(form.get('serviceId') ?? ''), values);
    if (!result.changed) return { ok: true, message: 'Nothing to save: the service is already as shown.', values };
  } catch (error) {
    return serviceFailure(error, values);
  }
  changed();
  return { ok: true, message: 'Service saved.', values };
}
