'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { contentFromForm, createTemplateSchema, templateIdSchema, updateTemplateSchema } from '@/lib/engagement/templates/template-forms';
import { archiveTemplate, createTemplate, restoreTemplate, TEMPLATE_PERMISSIONS, updateTemplate } from '@/lib/engagement/templates/templates';

/**
 * CRM → Message templates (issue 18 point 9): add, edit, archive and restore, by staff with
 * automations.manage or campaigns.manage (either one; lib/ checks it again). A placeholder that
 * is unknown or not allowed is a field error naming it.
 */

const templates = {
  area: 'crm',
  permission: TEMPLATE_PERMISSIONS,
  messages: {
    notFound: 'This template no longer exists. Reload the page to see the current list.',
    forbidden: 'You don’t have permission to edit message templates.',
  },
} as const;

const ECHO = ['name', 'channel', 'purpose', 'enSubject', 'enBody', 'esSubject', 'esBody'];

export const createTemplateAction = staffAction({ ...templates, schema: createTemplateSchema, echo: ECHO }, async (ctx, values): Promise<ActionState> => {
  const { id } = await createTemplate(getDb(), ctx, { name: values.name, channel: values.channel, purpose: values.purpose, content: contentFromForm(values) });
  redirect(`/crm/templates/${id}?done=created`);
});

export const updateTemplateAction = staffAction({ ...templates, schema: updateTemplateSchema, echo: ECHO }, async (ctx, values): Promise<ActionState> => {
  // The posted channel and purpose only served the browser's check: the save keeps the stored ones.
  const { changed } = await updateTemplate(getDb(), ctx, values.messageTemplateId, { name: values.name, content: contentFromForm(values) });
  if (!changed) return { ok: true, message: 'Nothing to save: the template already says that.' };
  refresh();
  return { ok: true, message: 'Template saved. Messages queued from now on use these words.' };
});

export const archiveTemplateAction = staffAction({ ...templates, schema: templateIdSchema }, async (ctx, { messageTemplateId }): Promise<ActionState> => {
  const { changed } = await archiveTemplate(getDb(), ctx, messageTemplateId);
  refresh();
  return { ok: true, message: changed ? 'Archived: automations and campaigns can no longer choose it.' : 'The template was already archived.' };
});

export const restoreTemplateAction = staffAction({ ...templates, schema: templateIdSchema }, async (ctx, { messageTemplateId }): Promise<ActionState> => {
  const { changed } = await restoreTemplate(getDb(), ctx, messageTemplateId);
  refresh();
  return { ok: true, message: changed ? 'Restored: automations and campaigns can choose it again.' : 'The template was already active.' };
});
