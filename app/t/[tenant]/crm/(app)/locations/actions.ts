'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { translationFieldNames } from '@/lib/i18n/clinic-text';
import { createLocation, setLocationActive, updateLocation } from '@/lib/locations/locations';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { LOCATION_TRANSLATED_FIELDS } from '@/lib/settings/schemas';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';
import { z } from '@/lib/validation/zod';

const LOCATION_FIELDS = ['name', 'addressLine1', 'addressLine2', 'city', 'region', 'postalCode', 'country', 'timeZone', 'phone', 'notes', ...translationFieldNames(LOCATION_TRANSLATED_FIELDS)];
const settings = { area: 'crm', permission: 'settings.manage', messages: SETTINGS_MESSAGES } as const;

function changed(tenantId: string) {
  // The portal's sign-in page lists the active locations from the cached clinic profile.
  revalidateTenant(tenantId);
  revalidatePath('/crm/locations');
}

export const addLocationAction = staffAction({ ...settings, pick: LOCATION_FIELDS }, async (ctx, values): Promise<SettingsActionState> => {
  await createLocation(getDb(), ctx, values);
  changed(ctx.tenant.id);
  return { ok: true, message: `${values.name?.trim()} added.` };
});

export const updateLocationAction = staffAction({ ...settings, pick: [...LOCATION_FIELDS, 'locationId'] }, async (ctx, { locationId = '', ...values }): Promise<SettingsActionState> => {
  const result = await updateLocation(getDb(), ctx, locationId, values);
  if (!result.changed) return { ok: true, message: 'Nothing to save: the location is already as shown.', values };
  changed(ctx.tenant.id);
  return { ok: true, message: 'Location saved.', values };
});

// Hidden fields only: anything else means a stale or altered page.
const GONE = 'That location no longer exists. Reload the page.';
const activeSchema = z.object({ locationId: z.string({ error: GONE }), active: z.enum(['true', 'false'], { error: GONE }) });

export const setLocationActiveAction = staffAction(
  { ...settings, schema: activeSchema, messages: { ...SETTINGS_MESSAGES, invalid: GONE } },
  async (ctx, { locationId, active: posted }): Promise<SettingsActionState> => {
    const active = posted === 'true';
    await setLocationActive(getDb(), ctx, locationId, active);
    changed(ctx.tenant.id);
    return { ok: true, message: active ? 'Location reactivated: patients see it again.' : 'Location deactivated: patients no longer see it.' };
  },
);
