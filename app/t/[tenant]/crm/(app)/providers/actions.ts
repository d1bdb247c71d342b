'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { providerFailure } from '@/lib/providers/errors';
import { addProviderHours, addTimeOff, removeProviderHours, removeTimeOff } from '@/lib/providers/provider-schedule';
import { setProviderFlag, setProviderServices } from '@/lib/providers/providers';
import { formFields, type SettingsActionState } from '@/lib/settings/action-state';

function changed() {
  revalidatePath('/crm/providers', 'layout');
}

const staffId = (form: FormData) => String(form.get('staffId') ?? '');

const flagSchema = z.object({ staffId: z.string(), isProvider: z.enum(['true', 'false']) });

export async function setProviderFlagAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const parsed = flagSchema.safeParse({ staffId: form.get('staffId'), isProvider: form.get('isProvider') });
  if (!parsed.success) return { ok: false, message: 'That person no longer exists. Reload the page.' };
  const isProvider = parsed.data.isProvider === 'true';
  try {
    await setProviderFlag(getDb(), ctx, parsed.data.staffId, isProvider);
  } catch (error) {
    return providerFailure(error);
  }
  changed();
  return { ok: true, message: isProvider ? 'Marked as a provider.' : 'No longer a provider: patients cannot book them.' };
}

export async function saveProviderServicesAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const serviceIds = form.getAll('serviceId').filter((v): v is string => typeof v === 'string');
  try {
    const result = await setProviderServices(getDb(), ctx, staffId(form), serviceIds);
    if (!result.changed) return { ok: true, message: 'Nothing to save: the services are already as shown.' };
  } catch (error) {
    return providerFailure(error);
  }
  changed();
  return { ok: true, message: 'Services saved.' };
}

export async function addHoursAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, ['locationId', 'weekday', 'startTime', 'endTime']);
  try {
    await addProviderHours(getDb(), ctx, staffId(form), values);
  } catch (error) {
    return providerFailure(error, values);
  }
  changed();
  return { ok: true, message: 'Hours added.' };
}

export async function removeHoursAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  try {
    await removeProviderHours(getDb(), ctx, String(form.get('ruleId') ?? ''));
  } catch (error) {
    return providerFailure(error);
  }
  changed();
  return { ok: true, message: 'Hours removed.' };
}

export async function addTimeOffAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, ['locationId', 'startsAt', 'endsAt', 'reason']);
  try {
    await addTimeOff(getDb(), ctx, staffId(form), values);
  } catch (error) {
    return providerFailure(error, values);
  }
  changed();
  return { ok: true, message: 'Time off added.' };
}

export async function removeTimeOffAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  try {
    await removeTimeOff(getDb(), ctx, String(form.get('timeOffId') ?? ''));
  } catch (error) {
    return providerFailure(error);
  }
  changed();
  return { ok: true, message: 'Time off removed.' };
}
