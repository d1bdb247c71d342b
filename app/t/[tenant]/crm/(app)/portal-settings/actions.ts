'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { updatePortalSettings } from '@/lib/settings/portal-settings';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

const PORTAL_FIELDS = [
  'portalEnabled', 'identificationMode', 'nationalIdLabel', 'accessMode', 'defaultDocumentNotification',
  'patientUploadsAllowed', 'minNoticeMinutes', 'bookingHorizonDays', 'bufferMinutes', 'cancellationWindowHours',
  'staffIdleTimeoutMinutes', 'messagingPolicy', 'portalPasskeysAllowed', 'portalTotpAllowed', 'selfRegistration',
  'proxyAgeRules', 'proxyTeenAge', 'proxyAdultAge', 'waitlistPortal', 'waitlistOfferMinutes', 'waitlistOfferBatch',
];

export const savePortalSettingsAction = staffAction(
  { area: 'crm', permission: 'settings.manage', messages: SETTINGS_MESSAGES, pick: PORTAL_FIELDS },
  async (ctx, values): Promise<SettingsActionState> => {
    const { changed } = await updatePortalSettings(getDb(), ctx, values);
    if (!changed) return { ok: true, message: 'Nothing to save: the settings are already as shown.' };
    revalidateTenant(ctx.tenant.id);
    revalidatePath('/crm/portal-settings');
    return { ok: true, message: 'Portal settings saved. They apply from the next page load; staff idle timeouts from the next sign-in.' };
  },
);
