'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import type { ActionState } from '@/lib/actions/result';
import {
  archiveFormSchema,
  importFormSchema,
  MAX_DEFINITION_CHARS,
  publishFormSchema,
  saveDraftFormSchema,
  templateRefSchema,
  type BuilderSaveState,
  type BuilderStepState,
} from '@/lib/clinic-forms/builder-forms';
import { createTemplate, discardDraft, importTemplate, newFormSchema, publishTemplate, saveDraft, setTemplateArchived } from '@/lib/clinic-forms/templates';

const forms = { area: 'crm', permission: 'forms.manage' } as const;

export const createFormAction = staffAction({ ...forms, schema: newFormSchema, echo: ['title'] }, async (ctx, input): Promise<ActionState> => {
  const { id } = await createTemplate(getDb(), ctx, input);
  redirect(`/crm/forms/${id}`);
});

/** A FHIR Questionnaire from a chosen file, else from the pasted JSON. */
export const importFormAction = staffAction({ ...forms, schema: importFormSchema }, async (ctx, { json }, { form }): Promise<ActionState> => {
  const file = form?.get('file');
  let text = json?.trim() ?? '';
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_DEFINITION_CHARS) return { ok: false, message: 'This form was not imported.', fieldErrors: { file: 'The file is too large (at most 1 MB).' } };
    text = await file.text();
  }
  if (!text) return { ok: false, message: 'This form was not imported.', fieldErrors: { file: 'Choose a FHIR Questionnaire JSON file, or paste its JSON.' } };
  const { id } = await importTemplate(getDb(), ctx, text);
  redirect(`/crm/forms/${id}`);
});

export const setFormArchivedAction = staffAction({ ...forms, schema: archiveFormSchema }, async (ctx, { templateId, archived }): Promise<ActionState> => {
  await setTemplateArchived(getDb(), ctx, templateId, archived === 'true');
  revalidatePath('/crm/forms');
  revalidatePath(`/crm/forms/${templateId}`);
  return { ok: true, message: archived === 'true' ? 'Archived: it can no longer be assigned. Forms already given to patients stay.' : 'Restored: it can be assigned again.' };
});

/**
 * The builder's save. The page is not refreshed (the builder keeps its own state); a stale save
 * tells the builder to offer a reload instead of overwriting the other editor's draft.
 */
export const saveFormDraftAction = staffAction({ ...forms, schema: saveDraftFormSchema }, async (ctx, { templateId, revision, definition }): Promise<BuilderSaveState> => {
  // A stale save is refused with `stale: true` (the rule's extra), which the wrapper passes on.
  const saved = await saveDraft(getDb(), ctx, templateId, { revision, definition });
  return { ok: true, message: saved.problems.length ? 'Draft saved. Fix the problems listed before publishing.' : 'Draft saved.', ...saved };
});

export const publishFormAction = staffAction({ ...forms, schema: publishFormSchema }, async (ctx, { templateId, revision }): Promise<BuilderStepState> => {
  const { version } = await publishTemplate(getDb(), ctx, templateId, { revision });
  revalidatePath('/crm/forms');
  // The builder starts again from the published form; the page says what happened.
  redirect(`/crm/forms/${templateId}?published=${version}`);
});

export const discardFormDraftAction = staffAction({ ...forms, schema: templateRefSchema }, async (ctx, { templateId }): Promise<BuilderStepState> => {
  await discardDraft(getDb(), ctx, templateId);
  revalidatePath('/crm/forms');
  redirect(`/crm/forms/${templateId}?discarded=1`);
});
