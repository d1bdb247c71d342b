'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { BRANDING_ASSET_KINDS, BRANDING_ASSET_RULES, type BrandingAssetKind } from '@/lib/branding-assets/asset-rules';
import { BrandingAssetError, removeBrandingAsset, uploadBrandingAsset } from '@/lib/branding-assets/branding-assets';
import { settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';
import { formatBytes } from '@/lib/documents/upload-rules';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

const LABEL: Record<BrandingAssetKind, string> = { logo: 'Logo', favicon: 'Favicon' };

function kindOf(form: FormData): BrandingAssetKind | null {
  const kind = form.get('kind');
  return (BRANDING_ASSET_KINDS as readonly unknown[]).includes(kind) ? (kind as BrandingAssetKind) : null;
}

function changed(tenantId: string) {
  // The portal reads logo and favicon through the clinic's tagged cache.
  revalidateTenant(tenantId);
  revalidatePath('/crm/branding');
}

export async function uploadBrandingAssetAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const kind = kindOf(form);
  if (!kind) return { ok: false, message: 'Reload the page and try again.' };
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) {
    return { ok: false, message: 'Nothing was uploaded.', fieldErrors: { file: `Choose a ${BRANDING_ASSET_RULES[kind].label} file.` } };
  }
  // Checked before reading the body into memory; the library checks the bytes again.
  if (file.size > BRANDING_ASSET_RULES[kind].maxBytes) {
    return { ok: false, message: 'Nothing was uploaded.', fieldErrors: { file: `The file is ${formatBytes(file.size)}; a ${kind} can be at most ${formatBytes(BRANDING_ASSET_RULES[kind].maxBytes)}.` } };
  }
  try {
    await uploadBrandingAsset(getDb(), ctx, kind, new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    if (error instanceof BrandingAssetError) return { ok: false, message: 'Nothing was uploaded.', fieldErrors: { file: error.message } };
    return settingsFailure(error);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: `${LABEL[kind]} uploaded. Patients see it on their next page load.` };
}

export async function removeBrandingAssetAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const kind = kindOf(form);
  if (!kind) return { ok: false, message: 'Reload the page and try again.' };
  try {
    const result = await removeBrandingAsset(getDb(), ctx, kind);
    if (!result.changed) return { ok: true, message: `There is no ${kind} to remove.` };
  } catch (error) {
    return settingsFailure(error);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: `${LABEL[kind]} removed.` };
}
