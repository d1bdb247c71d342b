'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { addProviderHours, addTimeOff, removeProviderHours, removeTimeOff } from '@/lib/providers/provider-schedule';
import { setProviderFlag, setProviderServices } from '@/lib/providers/providers';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { z } from '@/lib/validation/zod';

const settings = { area: 'crm', permission: 'settings.manage', messages: SETTINGS_MESSAGES } as const;

function changed() {
  revalidatePath('/crm/providers', 'layout');
}

// Hidden fields only: anything else means a stale or altered page.
const GONE = 'That person no longer exists. Reload the page.';
const flagSchema = z.object({ staffId: z.string({ error: GONE }), isProvider: z.enum(['true', 'false'], { error: GONE }) });

export const setProviderFlagAction = staffAction(
  { ...settings, schema: flagSchema, messages: { ...SETTINGS_MESSAGES, invalid: GONE } },
  async (ctx, { staffId, isProvider: posted }): Promise<SettingsActionState> => {
    const isProvider = posted === 'true';
    await setProviderFlag(getDb(), ctx, staffId, isProvider);
    changed();
    return { ok: true, message: isProvider ? 'Marked as a provider.' : 'No longer a provider: patients cannot book them.' };
  },
);

/** One `serviceId` per ticked box. */
export const saveProviderServicesAction = staffAction({ ...settings, pick: ['staffId'] }, async (ctx, { staffId = '' }, { form }): Promise<SettingsActionState> => {
  const serviceIds = (form?.getAll('serviceId') ?? []).filter((v): v is string => typeof v === 'string');
  const result = await setProviderServices(getDb(), ctx, staffId, serviceIds);
  if (!result.changed) return { ok: true, message: 'Nothing to save: the services are already as shown.' };
  changed();
  return { ok: true, message: 'Services saved.' };
});

export const addHoursAction = staffAction(
  { ...settings, pick: ['staffId', 'locationId', 'weekday', 'startTime', 'endTime'] },
  async (ctx, { staffId = '', ...values }): Promise<SettingsActionState> => {
    await addProviderHours(getDb(), ctx, staffId, values);
    changed();
    return { ok: true, message: 'Hours added.' };
  },
);

export const removeHoursAction = staffAction({ ...settings, pick: ['ruleId'] }, async (ctx, { ruleId = '' }): Promise<SettingsActionState> => {
  await removeProviderHours(getDb(), ctx, ruleId);
  changed();
  return { ok: true, message: 'Hours removed.' };
});

export const addTimeOffAction = staffAction(
  { ...settings, pick: ['staffId', 'locationId', 'startsAt', 'endsAt', 'reason'] },
  async (ctx, { staffId = '', ...values }): Promise<SettingsActionState> => {
    await addTimeOff(getDb(), ctx, staffId, values);
    changed();
    return { ok: true, message: 'Time off added.' };
  },
);

export const removeTimeOffAction = staffAction({ ...settings, pick: ['timeOffId'] }, async (ctx, { timeOffId = '' }): Promise<SettingsActionState> => {
  await removeTimeOff(getDb(), ctx, timeOffId);
  changed();
  return { ok: true, message: 'Time off removed.' };
});
