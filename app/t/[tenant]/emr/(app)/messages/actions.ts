'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import {
  assignConversation, closeConversation, deleteOwnMessage, reopenConversation, replyAsStaff, setConversationHiddenFromProxies, startStaffConversation,
} from '@/lib/conversations';
import type { MessageFormState } from '@/lib/conversations/staff-form-state';
import {
  assignSchema, CHOOSE_ASSIGNEE, deleteSchema, MessageFieldError, MessageRefusedError, NOT_AVAILABLE, proxyVisibilitySchema, replySchema, startSchema,
  statusSchema,
} from '@/lib/conversations/staff-forms';

const sending = {
  area: 'emr',
  permission: 'messages.send',
  messages: { notFound: NOT_AVAILABLE, forbidden: 'Your access level does not allow this. Ask a clinic administrator if you need it.' },
} as const;

/** Lists and the thread show fresh data after a change (the current page re-renders with it). */
function refresh(conversationId?: string): void {
  revalidatePath('/emr/messages');
  if (conversationId) revalidatePath(`/emr/messages/${conversationId}`);
}

export const startConversationAction = staffAction({ ...sending, schema: startSchema }, async (ctx, input): Promise<MessageFormState> => {
  const result = await startStaffConversation(getDb(), ctx, input);
  if (!result.ok) throw new MessageRefusedError(result);
  refresh();
  revalidatePath(`/emr/patients/${input.patientId}/messages`);
  redirect(`/emr/messages/${result.conversationId}`);
});

export const replyAction = staffAction({ ...sending, schema: replySchema }, async (ctx, { conversationId, body, files }): Promise<MessageFormState> => {
  if (!body.trim() && files.length === 0) throw new MessageFieldError('body', 'Write a reply or attach a file.');
  const result = await replyAsStaff(getDb(), ctx, conversationId, { body, files });
  if (!result.ok) throw new MessageRefusedError(result);
  refresh(conversationId);
  return { ok: true, message: 'Reply sent.' };
});

export const assignAction = staffAction(
  { ...sending, schema: assignSchema, messages: { ...sending.messages, invalid: CHOOSE_ASSIGNEE } },
  async (ctx, { conversationId, staffId }): Promise<MessageFormState> => {
    const result = await assignConversation(getDb(), ctx, conversationId, staffId || null);
    if (!result.ok) throw new MessageRefusedError(result);
    refresh(conversationId);
    return { ok: true, message: staffId ? 'Assignment saved.' : 'The conversation is now unassigned.' };
  },
);

/** Close or reopen, from one form whose button says which. */
export const changeStatusAction = staffAction(
  { ...sending, schema: statusSchema, messages: { ...sending.messages, invalid: NOT_AVAILABLE } },
  async (ctx, { conversationId, to }): Promise<MessageFormState> => {
    const result = to === 'closed' ? await closeConversation(getDb(), ctx, conversationId) : await reopenConversation(getDb(), ctx, conversationId);
    if (!result.ok) throw new MessageRefusedError(result);
    refresh(conversationId);
    return { ok: true, message: to === 'closed' ? 'Conversation closed. Nobody can post until it is reopened.' : 'Conversation reopened. The clinic and the patient can post again.' };
  },
);

/** Hide the conversation from accounts acting for the patient, or show it to them again. */
export const setProxyVisibilityAction = staffAction(
  { ...sending, schema: proxyVisibilitySchema, messages: { ...sending.messages, invalid: NOT_AVAILABLE } },
  async (ctx, { conversationId, hidden }): Promise<MessageFormState> => {
    const result = await setConversationHiddenFromProxies(getDb(), ctx, conversationId, hidden === 'true');
    if (!result.ok) throw new MessageRefusedError(result);
    refresh(conversationId);
    return {
      ok: true,
      message: hidden === 'true' ? 'Hidden from family and caregivers: only the patient’s own account sees it.' : 'Family and caregivers acting for the patient can see it again.',
    };
  },
);

export const deleteMessageAction = staffAction(
  { ...sending, schema: deleteSchema, messages: { ...sending.messages, invalid: NOT_AVAILABLE } },
  async (ctx, { conversationId, messageId }): Promise<MessageFormState> => {
    const result = await deleteOwnMessage(getDb(), ctx, messageId);
    if (!result.ok) throw new MessageRefusedError(result);
    refresh(conversationId);
    return { ok: true, message: 'Message deleted.' };
  },
);
