'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError, type StaffContext } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { isSubmittedFile } from '@/lib/conversations/types';
import {
  assignConversation,
  closeConversation,
  deleteOwnMessage,
  MAX_BODY_CHARS,
  MAX_SUBJECT_CHARS,
  reopenConversation,
  replyAsStaff,
  startStaffConversation,
  type Refusal,
} from '@/lib/conversations';

export type MessageField = 'patientId' | 'subject' | 'body' | 'files' | 'staffId';

export interface MessageFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Partial<Record<MessageField, string>>;
}

const replySchema = z.object({
  conversationId: z.uuid('This conversation is not available to you.'),
  body: z.string({ error: 'Write a reply or attach a file.' }).max(MAX_BODY_CHARS, `A message can be at most ${MAX_BODY_CHARS} characters.`),
});
const startSchema = z.object({
  patientId: z.uuid('Choose a patient.'),
  subject: z.string({ error: 'Enter a subject.' }).trim().min(1, 'Enter a subject.').max(MAX_SUBJECT_CHARS, `A subject can be at most ${MAX_SUBJECT_CHARS} characters.`),
  body: z.string({ error: 'Write a message.' }).trim().min(1, 'Write a message.').max(MAX_BODY_CHARS, `A message can be at most ${MAX_BODY_CHARS} characters.`),
});
const assignSchema = z.object({ conversationId: z.uuid(), staffId: z.union([z.uuid(), z.literal('')]) });
const deleteSchema = z.object({ conversationId: z.uuid(), messageId: z.uuid() });

/** The files picked in the form; an untouched file input submits one empty, nameless entry. */
function filesFrom(form: FormData): File[] {
  return form.getAll('files').filter((f): f is File => f instanceof File && isSubmittedFile(f));
}

function refused(result: Refusal): MessageFormState {
  const message = result.error === 'closed' ? 'Reopen the conversation first.' : result.message;
  return { ok: false, message, fieldErrors: result.field ? { [result.field]: message } : undefined };
}

function failure(error: unknown, what: string): MessageFormState {
  if (error instanceof NotFoundError) return { ok: false, message: 'This conversation or patient is not available to you. It may have been removed, or the clinic’s messaging policy limits you to your assigned patients.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'Your access level does not allow this. Ask a clinic administrator if you need it.' };
  // Name and Postgres code only: a failed query's message quotes its parameters (PHI).
  const code = (error as { cause?: { code?: string } }).cause?.code;
  console.error(`messaging action failed (${error instanceof Error ? error.name : 'unknown'}${code ? ` ${code}` : ''})`);
  return { ok: false, message: `The ${what} failed. Nothing was changed; please try again.` };
}

function fieldErrorsOf(error: z.ZodError): MessageFormState['fieldErrors'] {
  const out: Partial<Record<MessageField, string>> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '') as MessageField;
    out[field] ??= issue.message;
  }
  return out;
}

/** Lists and the thread show fresh data after a change (the current page re-renders with it). */
function refresh(conversationId?: string): void {
  revalidatePath('/emr/messages');
  if (conversationId) revalidatePath(`/emr/messages/${conversationId}`);
}

async function sender(): Promise<StaffContext> {
  return requireStaff('emr', 'messages.send');
}

export async function startConversationAction(_: MessageFormState, form: FormData): Promise<MessageFormState> {
  const ctx = await sender();
  const parsed = startSchema.safeParse({ patientId: form.get('patientId'), subject: form.get('subject') ?? '', body: form.get('body') ?? '' });
  if (!parsed.success) return { ok: false, message: 'Check the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
  let conversationId: string;
  try {
    const result = await startStaffConversation(getDb(), ctx, { ...parsed.data, files: filesFrom(form) });
    if (!result.ok) return refused(result);
    conversationId = result.conversationId;
  } catch (error) {
    return failure(error, 'message');
  }
  refresh();
  revalidatePath(`/emr/patients/${parsed.data.patientId}/messages`);
  redirect(`/emr/messages/${conversationId}`);
}

export async function replyAction(_: MessageFormState, form: FormData): Promise<MessageFormState> {
  const ctx = await sender();
  const parsed = replySchema.safeParse({ conversationId: form.get('conversationId'), body: form.get('body') ?? '' });
  if (!parsed.success) return { ok: false, message: 'Check the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
  const files = filesFrom(form);
  if (!parsed.data.body.trim() && files.length === 0) return { ok: false, message: 'Write a reply or attach a file.', fieldErrors: { body: 'Write a reply or attach a file.' } };
  try {
    const result = await replyAsStaff(getDb(), ctx, parsed.data.conversationId, { body: parsed.data.body, files });
    if (!result.ok) return refused(result);
  } catch (error) {
    return failure(error, 'reply');
  }
  refresh(parsed.data.conversationId);
  return { ok: true, message: 'Reply sent.' };
}

export async function assignAction(_: MessageFormState, form: FormData): Promise<MessageFormState> {
  const ctx = await sender();
  const parsed = assignSchema.safeParse({ conversationId: form.get('conversationId'), staffId: form.get('staffId') ?? '' });
  if (!parsed.success) return { ok: false, message: 'Choose a staff member or “Unassigned”.', fieldErrors: { staffId: 'Choose a staff member or “Unassigned”.' } };
  try {
    const result = await assignConversation(getDb(), ctx, parsed.data.conversationId, parsed.data.staffId || null);
    if (!result.ok) return refused(result);
  } catch (error) {
    return failure(error, 'assignment');
  }
  refresh(parsed.data.conversationId);
  return { ok: true, message: parsed.data.staffId ? 'Assignment saved.' : 'The conversation is now unassigned.' };
}

const statusSchema = z.object({ conversationId: z.uuid(), to: z.enum(['open', 'closed']) });

/** Close or reopen, from one form whose button says which. */
export async function changeStatusAction(_: MessageFormState, form: FormData): Promise<MessageFormState> {
  const ctx = await sender();
  const parsed = statusSchema.safeParse({ conversationId: form.get('conversationId'), to: form.get('to') });
  if (!parsed.success) return failure(new NotFoundError('conversation'), 'change');
  const { conversationId, to } = parsed.data;
  try {
    const result = to === 'closed'
      ? await closeConversation(getDb(), ctx, conversationId)
      : await reopenConversation(getDb(), ctx, conversationId);
    if (!result.ok) return refused(result);
  } catch (error) {
    return failure(error, 'change');
  }
  refresh(conversationId);
  return { ok: true, message: to === 'closed' ? 'Conversation closed. Nobody can post until it is reopened.' : 'Conversation reopened. The clinic and the patient can post again.' };
}

export async function deleteMessageAction(_: MessageFormState, form: FormData): Promise<MessageFormState> {
  const ctx = await sender();
  const parsed = deleteSchema.safeParse({ conversationId: form.get('conversationId'), messageId: form.get('messageId') });
  if (!parsed.success) return failure(new NotFoundError('message'), 'deletion');
  try {
    const result = await deleteOwnMessage(getDb(), ctx, parsed.data.messageId);
    if (!result.ok) {
      if (result.error === 'too-late') return { ok: false, message: 'Messages can be deleted only within 5 minutes of sending. Send a correction as a new message instead.' };
      if (result.error === 'not-author') return { ok: false, message: 'Only the author can delete a message.' };
      return refused(result);
    }
  } catch (error) {
    return failure(error, 'deletion');
  }
  refresh(parsed.data.conversationId);
  return { ok: true, message: 'Message deleted.' };
}
