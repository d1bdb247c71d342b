'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { createLocation, setLocationActive, updateLocation } from '@/lib/locations/locations';
import { formFields, settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

const LOCATION_FIELDS = ['name', 'addressLine1', 'addressLine2', 'city', 'region', 'postalCode', 'country', 'timeZone', 'phone'];

function changed(tenantId: string) {
  // The portal's sign-in page lists the active locations from the cached clinic profile.
  revalidateTenant(tenantId);
  revalidatePath('/crm/locations');
}

export async function addLocationAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, LOCATION_FIELDS);
  try {
    await createLocation(getDb(), ctx, values);
  } catch (error) {
    return settingsFailure(error, values);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: `${values.name?.trim()} added.` };
}

export async function updateLocationAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, LOCATION_FIELDS);
  try {
    const result = await updateLocation(getDb(), ctx, String(form.get('locationId') ?? ''), values);
    if (!result.changed) return { ok: true, message: 'Nothing to save: the location is already as shown.', values };
  } catch (error) {
    return settingsFailure(error, values);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: 'Location saved.', values };
}

const activeSchema = z.object({ locationId: z.string(), active: z.enum(['true', 'false']) });

export async function setLocationActiveAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const parsed = activeSchema.safeParse({ locationId: form.get('locationId'), active: form.get('active') });
  if (!parsed.success) return { ok: false, message: 'That location no longer exists. Reload the page.' };
  const active = parsed.data.active === 'true';
  try {
    await setLocationActive(getDb(), ctx, parsed.data.locationId, active);
  } catch (error) {
    return settingsFailure(error);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: active ? 'Location reactivated: patients see it again.' : 'Location deactivated: patients no longer see it.' };
}
