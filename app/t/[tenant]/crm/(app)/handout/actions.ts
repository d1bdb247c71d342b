'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { updateHandoutNote } from '@/lib/handout/note';
import { handoutNoteSchema } from '@/lib/handout/schemas';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { SETTINGS_MESSAGES } from '@/lib/settings/errors';

export const saveHandoutNoteAction = staffAction(
  { area: 'crm', permission: 'settings.manage', schema: handoutNoteSchema, messages: SETTINGS_MESSAGES, echo: ['note'] },
  async (ctx, input): Promise<SettingsActionState> => {
    const { changed } = await updateHandoutNote(getDb(), ctx, input);
    if (!changed) return { ok: true, message: 'Nothing to save: the paragraph is already as shown.' };
    // The handout is read per request (not through the clinic's cached profile): only its pages change.
    revalidatePath('/crm/handout');
    return { ok: true, message: input.note ? 'Paragraph saved. It appears on the handout in every language.' : 'Paragraph removed from the handout.' };
  },
);
