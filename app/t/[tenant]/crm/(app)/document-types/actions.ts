'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { translationFieldNames } from '@/lib/i18n/clinic-text';
import type { SettingsActionState } from '@/lib/settings/action-state';
import {
  createDocumentType,
  renameDocumentType,
  setDocumentTypeActive,
  setDocumentTypeHidden,
  translateDocumentType,
} from '@/lib/settings/document-types';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';
import { DOCUMENT_TYPE_TRANSLATED_FIELDS } from '@/lib/settings/schemas';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';
import { z } from '@/lib/validation/zod';

const settings = { area: 'crm', permission: 'settings.manage', messages: SETTINGS_MESSAGES } as const;

function changed(tenantId: string) {
  revalidateTenant(tenantId);
  revalidatePath('/crm/document-types');
}

const TRANSLATION_FIELDS = translationFieldNames(DOCUMENT_TYPE_TRANSLATED_FIELDS);

export const addDocumentTypeAction = staffAction({ ...settings, pick: ['name', ...TRANSLATION_FIELDS] }, async (ctx, values): Promise<SettingsActionState> => {
  await createDocumentType(getDb(), ctx, values);
  changed(ctx.tenant.id);
  return { ok: true, message: `“${values.name?.trim()}” added.` };
});

export const renameDocumentTypeAction = staffAction({ ...settings, pick: ['name', 'typeId'] }, async (ctx, { typeId = '', ...values }): Promise<SettingsActionState> => {
  const result = await renameDocumentType(getDb(), ctx, typeId, values);
  if (!result.changed) return { ok: true, message: 'The name is unchanged.', values };
  changed(ctx.tenant.id);
  return { ok: true, message: 'Renamed.', values };
});

export const translateDocumentTypeAction = staffAction({ ...settings, pick: [...TRANSLATION_FIELDS, 'typeId'] }, async (ctx, { typeId = '', ...values }): Promise<SettingsActionState> => {
  const result = await translateDocumentType(getDb(), ctx, typeId, values);
  if (!result.changed) return { ok: true, message: 'The translations are unchanged.', values };
  changed(ctx.tenant.id);
  return { ok: true, message: 'Translations saved.', values };
});

// Hidden fields only: anything else means a stale or altered page.
const GONE = 'That document type no longer exists. Reload the page.';
const toggleSchema = z.object({
  typeId: z.string({ error: GONE }),
  field: z.enum(['hiddenFromPortal', 'active'], { error: GONE }),
  value: z.enum(['true', 'false'], { error: GONE }),
});

export const toggleDocumentTypeAction = staffAction(
  { ...settings, schema: toggleSchema, messages: { ...SETTINGS_MESSAGES, invalid: GONE } },
  async (ctx, { typeId, field, value: posted }): Promise<SettingsActionState> => {
    const value = posted === 'true';
    if (field === 'hiddenFromPortal') await setDocumentTypeHidden(getDb(), ctx, typeId, value);
    else await setDocumentTypeActive(getDb(), ctx, typeId, value);
    changed(ctx.tenant.id);
    const messages = {
      hiddenFromPortal: value ? 'Hidden from the patient portal.' : 'Shown in the patient portal again.',
      active: value ? 'Reactivated: offered for new documents again.' : 'Deactivated: no longer offered for new documents.',
    };
    return { ok: true, message: messages[field] };
  },
);
