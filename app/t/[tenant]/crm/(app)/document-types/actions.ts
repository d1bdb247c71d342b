'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formFields, settingsFailure, type SettingsActionState } from '@/lib/settings/action-state';
import {
  createDocumentType,
  renameDocumentType,
  setDocumentTypeActive,
  setDocumentTypeHidden,
} from '@/lib/settings/document-types';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';

function changed(tenantId: string) {
  revalidateTenant(tenantId);
  revalidatePath('/crm/document-types');
}

export async function addDocumentTypeAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, ['name']);
  try {
    await createDocumentType(getDb(), ctx, values);
  } catch (error) {
    return settingsFailure(error, values);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: `“${values.name?.trim()}” added.` };
}

export async function renameDocumentTypeAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const values = formFields(form, ['name']);
  try {
    const result = await renameDocumentType(getDb(), ctx, String(form.get('typeId') ?? ''), values);
    if (!result.changed) return { ok: true, message: 'The name is unchanged.', values };
  } catch (error) {
    return settingsFailure(error, values);
  }
  changed(ctx.tenant.id);
  return { ok: true, message: 'Renamed.', values };
}

const toggleSchema = z.object({
  typeId: z.string(),
  field: z.enum(['hiddenFromPortal', 'active']),
  value: z.enum(['true', 'false']),
});

export async function toggleDocumentTypeAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'settings.manage');
  const parsed = toggleSchema.safeParse({ typeId: form.get('typeId'), field: form.get('field'), value: form.get('value') });
  if (!parsed.success) return { ok: false, message: 'That document type no longer exists. Reload the page.' };
  const { typeId, field } = parsed.data;
  const value = parsed.data.value === 'true';
  try {
    if (field === 'hiddenFromPortal') await setDocumentTypeHidden(getDb(), ctx, typeId, value);
    else await setDocumentTypeActive(getDb(), ctx, typeId, value);
  } catch (error) {
    return settingsFailure(error);
  }
  changed(ctx.tenant.id);
  const messages = {
    hiddenFromPortal: value ? 'Hidden from the patient portal.' : 'Shown in the patient portal again.',
    active: value ? 'Reactivated: offered for new documents again.' : 'Deactivated: no longer offered for new documents.',
  };
  return { ok: true, message: messages[field] };
}
