'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { BRANDING_ASSET_KINDS, type BrandingAssetKind } from '@/lib/branding-assets/asset-rules';
import { removeBrandingAsset, uploadBrandingAssetFile } from '@/lib/branding-assets/branding-assets';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';
import { z } from '@/lib/validation/zod';

const LABEL: Record<BrandingAssetKind, string> = { logo: 'Logo', favicon: 'Favicon' };

// The kind is a hidden field: a wrong one means a stale or altered page.
const RELOAD = 'Reload the page and try again.';
const kindSchema = z.object({ kind: z.enum(BRANDING_ASSET_KINDS, { error: RELOAD }) });
const assets = { area: 'crm', permission: 'settings.manage', schema: kindSchema, messages: { ...SETTINGS_MESSAGES, invalid: RELOAD } } as const;

function changed(tenantId: string) {
  // The portal reads logo and favicon through the clinic's tagged cache.
  revalidateTenant(tenantId);
  revalidatePath('/crm/branding');
}

export const uploadBrandingAssetAction = staffAction(assets, async (ctx, { kind }, { form }): Promise<SettingsActionState> => {
  await uploadBrandingAssetFile(getDb(), ctx, kind, form?.get('file'));
  changed(ctx.tenant.id);
  return { ok: true, message: `${LABEL[kind]} uploaded. Patients see it on their next page load.` };
});

export const removeBrandingAssetAction = staffAction(assets, async (ctx, { kind }): Promise<SettingsActionState> => {
  const result = await removeBrandingAsset(getDb(), ctx, kind);
  if (!result.changed) return { ok: true, message: `There is no ${kind} to remove.` };
  changed(ctx.tenant.id);
  return { ok: true, message: `${LABEL[kind]} removed.` };
});
