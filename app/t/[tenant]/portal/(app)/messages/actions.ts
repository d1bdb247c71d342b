'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { portalAction, portalCall } from '@/lib/actions/wrappers';
import type { ActionState } from '@/lib/actions/result';
import {
  checkAttachments,
  checkBody,
  checkSubject,
  chosenFiles,
  inboxProblemState,
  type InboxFormState,
} from '@/lib/conversations/attachment-rules';
import { inboxRefusal } from '@/lib/conversations/compose-reason';
import { deleteOwnMessage } from '@/lib/conversations/delete';
import { clinicPhone } from '@/lib/conversations/display-message';
import { DELETE_WINDOW_MINUTES } from '@/lib/conversations/policy';
import { replyAsPatient, startPortalConversation } from '@/lib/conversations/portal';
import type { Refusal } from '@/lib/conversations/types';
import type { Translate } from '@/lib/i18n/core';
import { inbox } from '@/lib/i18n/messages/inbox';
import { isUuid } from '@/lib/kernel/ids';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

/** The lib's refusal in the patient's words; the clinic's phone only when the policy names it. */
async function refused(ctx: PortalContext, t: Translate<(typeof inbox)['en']>, refusal: Refusal): Promise<InboxFormState> {
  const phone = refusal.error === 'policy' ? clinicPhone((await getTenantProfile(ctx.tenant.id))?.locations ?? []) : null;
  return inboxRefusal(t, refusal, phone);
}

// The patient acted for comes from the session only; nothing in these forms names one.

export const startConversationAction = portalAction(
  { area: 'messages', catalog: inbox, pick: ['subject', 'body'], echo: [], messages: { notFound: 'errorNotFound' } },
  async (ctx, input, { t, form }): Promise<InboxFormState> => {
    const subject = input.subject ?? '';
    const body = input.body ?? '';
    const files = chosenFiles<File>(form?.getAll('files') ?? []);
    const invalid = inboxProblemState([checkSubject(subject), checkBody(body, files.length > 0), checkAttachments(files)], t);
    if (invalid) return invalid;
    const result = await startPortalConversation(getDb(), ctx, { subject: subject.trim(), body: body.trim(), files });
    if (!result.ok) return refused(ctx, t, result);
    redirect(`/portal/messages/${result.conversationId}`);
  },
);

export const replyAction = portalAction(
  { area: 'messages', catalog: inbox, pick: ['conversationId', 'body'], echo: [], messages: { notFound: 'errorNotFound' } },
  async (ctx, input, { t, form }): Promise<InboxFormState> => {
    // The id only says which thread; the lib refuses one that is not this patient's (not found).
    if (!isUuid(input.conversationId)) throw new NotFoundError('conversation');
    const body = input.body ?? '';
    const files = chosenFiles<File>(form?.getAll('files') ?? []);
    const invalid = inboxProblemState([checkBody(body, files.length > 0), checkAttachments(files)], t);
    if (invalid) return invalid;
    const result = await replyAsPatient(getDb(), ctx, input.conversationId, { body: body.trim(), files });
    if (!result.ok) return refused(ctx, t, result);
    return { ok: true, message: t('replySent'), sentAt: Date.now() };
  },
);

const deleteMessageSchema = z.object({ messageId: z.string({ error: 'deleteFailed' }) }, { error: 'deleteFailed' });

/** The author takes a message back within the window; anything not theirs is simply "could not delete". */
export const deleteMessageAction = portalCall(
  { area: 'messages', catalog: inbox, schema: deleteMessageSchema, messages: { notFound: 'deleteFailed', invalid: 'deleteFailed' } },
  async (ctx, input, { t }): Promise<ActionState> => {
    const result = await deleteOwnMessage(getDb(), ctx, input.messageId);
    if (result.ok) return { ok: true, message: t('deleteDone') };
    return { ok: false, message: result.error === 'too-late' ? t('deleteTooLate', { minutes: DELETE_WINDOW_MINUTES }) : t('deleteFailed') };
  },
);
