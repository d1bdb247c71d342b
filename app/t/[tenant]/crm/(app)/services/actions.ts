'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { translationFieldNames } from '@/lib/i18n/clinic-text';
import { SERVICE_TRANSLATED_FIELDS } from '@/lib/services/schemas';
import { createService, updateService } from '@/lib/services/services';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';

const SERVICE_FIELDS = ['name', 'description', 'durationMinutes', 'price', 'bookableOnline', 'isVideo', 'active', ...translationFieldNames(SERVICE_TRANSLATED_FIELDS)];
const settings = { area: 'crm', permission: 'settings.manage', messages: SETTINGS_MESSAGES } as const;

/** The ticked "Forms required when booking", when the form shows them (the schema drops the empty marker). */
function requiredForms(form: FormData | undefined) {
  return form?.has('requiredFormIds') ? { requiredFormIds: form.getAll('requiredFormIds') } : {};
}

// Services are read per request (not through the clinic's cached profile): only this page needs refreshing.
function changed() {
  revalidatePath('/crm/services');
}

export const addServiceAction = staffAction({ ...settings, pick: SERVICE_FIELDS }, async (ctx, values, { form }): Promise<SettingsActionState> => {
  await createService(getDb(), ctx, { ...values, ...requiredForms(form) });
  changed();
  return { ok: true, message: `${values.name?.trim()} added.` };
});

export const updateServiceAction = staffAction({ ...settings, pick: [...SERVICE_FIELDS, 'serviceId'] }, async (ctx, { serviceId = '', ...values }, { form }): Promise<SettingsActionState> => {
  const result = await updateService(getDb(), ctx, serviceId, { ...values, ...requiredForms(form) });
  if (!result.changed) return { ok: true, message: 'Nothing to save: the service is already as shown.', values };
  changed();
  return { ok: true, message: 'Service saved.', values };
});
