'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import {
  attachmentsHintVars,
  checkAttachments,
  checkBody,
  checkSubject,
  chosenFiles,
  type InboxField,
  type InboxProblem,
} from '@/lib/conversations/attachment-rules';
import { clinicPhone } from '@/lib/conversations/display-message';
import { composeBlockedText, fileRefusalText } from '@/lib/conversations/compose-reason';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import type { PortalAccountContext } from '@/lib/access/context';
import { deleteOwnMessage } from '@/lib/conversations/delete';
import { DELETE_WINDOW_MINUTES } from '@/lib/conversations/policy';
import { replyAsPatient, startPortalConversation } from '@/lib/conversations/portal';
import { MAX_BODY_CHARS, MAX_SUBJECT_CHARS, type Refusal } from '@/lib/conversations/types';
import type { Translate } from '@/lib/i18n/core';
import { inbox } from '@/lib/i18n/messages/inbox';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

export interface InboxFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Partial<Record<InboxField, string>>;
  /** Changes on every success, so the form can tell a new success from the last one. */
  sentAt?: number;
}

type T = Translate<(typeof inbox)['en']>;

/** The patient acted for comes from the session only; nothing in the form names it. */
function actorOf<P extends PortalAccountContext>(portal: P): P {
  return portal;
}

function problemState(t: T, problems: (InboxProblem | null)[]): InboxFormState | null {
  const found = problems.filter((p): p is InboxProblem => p !== null);
  if (found.length === 0) return null;
  const fieldErrors: InboxFormState['fieldErrors'] = {};
  for (const p of found) fieldErrors[p.field] ??= t(p.key, p.vars);
  return { ok: false, fieldErrors, message: found.length > 1 ? t('checkFields') : t(found[0]!.key, found[0]!.vars) };
}

async function refusalState(t: T, refusal: Refusal, portal: PortalAccountContext): Promise<InboxFormState> {
  switch (refusal.error) {
    case 'empty': {
      const message = t(refusal.field === 'subject' ? 'errorEmptySubject' : 'errorEmptyBody');
      return { ok: false, message, fieldErrors: { [refusal.field === 'subject' ? 'subject' : 'body']: message } };
    }
    case 'invalid': {
      const message = t('errorControlCharacters');
      return { ok: false, message, fieldErrors: { [refusal.field === 'subject' ? 'subject' : 'body']: message } };
    }
    case 'too-long': {
      const message = refusal.field === 'subject' ? t('errorSubjectTooLong', { max: MAX_SUBJECT_CHARS }) : t('errorBodyTooLongGeneric', { max: MAX_BODY_CHARS });
      return { ok: false, message, fieldErrors: { [refusal.field === 'subject' ? 'subject' : 'body']: message } };
    }
    case 'file': {
      const message = fileRefusalText(t, refusal.reason, String(attachmentsHintVars().size));
      return { ok: false, message, fieldErrors: { files: message } };
    }
    case 'closed':
      return { ok: false, message: t('errorClosed') };
    case 'policy': {
      const profile = await getTenantProfile(portal.tenant.id);
      const reason = refusal.reason;
      const known = reason === 'reply_only' || reason === 'never_initiate' || reason === 'no_assigned_staff';
      return { ok: false, message: known ? composeBlockedText(t, reason, clinicPhone(profile?.locations ?? [])) : t('errorPolicy') };
    }
    default:
      return { ok: false, message: t('errorGeneric') };
  }
}

function unexpected(t: T, error: unknown): InboxFormState {
  if (error instanceof NotFoundError) return { ok: false, message: t('errorNotFound') };
  // Name and Postgres code only: a failed query's message quotes its parameters (a message body).
  const code = (error as { cause?: { code?: string } }).cause?.code;
  console.error(`portal message action failed (${error instanceof Error ? error.name : 'unknown'}${code ? ` ${code}` : ''})`);
  return { ok: false, message: t('errorGeneric') };
}

const text = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');
const uuid = z.uuid();

export async function startConversationAction(_: InboxFormState, form: FormData): Promise<InboxFormState> {
  const portal = await requirePortalPatient();
  const { t } = await getPortalI18n(inbox);
  const subject = text(form.get('subject'));
  const body = text(form.get('body'));
  const files = chosenFiles<File>(form.getAll('files'));
  const invalid = problemState(t, [checkSubject(subject), checkBody(body, files.length > 0), checkAttachments(files)]);
  if (invalid) return invalid;
  let conversationId: string;
  try {
    const result = await startPortalConversation(getDb(), actorOf(portal), { subject: subject.trim(), body: body.trim(), files });
    if (!result.ok) return await refusalState(t, result, portal);
    conversationId = result.conversationId;
  } catch (error) {
    return unexpected(t, error);
  }
  redirect(`/portal/messages/${conversationId}`);
}

export async function replyAction(_: InboxFormState, form: FormData): Promise<InboxFormState> {
  const portal = await requirePortalPatient();
  const { t } = await getPortalI18n(inbox);
  // The id only says which thread; the lib refuses one that is not this patient's (not found).
  const conversationId = uuid.safeParse(form.get('conversationId'));
  if (!conversationId.success) return { ok: false, message: t('errorNotFound') };
  const body = text(form.get('body'));
  const files = chosenFiles<File>(form.getAll('files'));
  const invalid = problemState(t, [checkBody(body, files.length > 0), checkAttachments(files)]);
  if (invalid) return invalid;
  try {
    const result = await replyAsPatient(getDb(), actorOf(portal), conversationId.data, { body: body.trim(), files });
    if (!result.ok) return await refusalState(t, result, portal);
    return { ok: true, message: t('replySent'), sentAt: Date.now() };
  } catch (error) {
    return unexpected(t, error);
  }
}

export async function deleteMessageAction(messageId: string): Promise<{ ok: boolean; message: string }> {
  const portal = await requirePortalPatient();
  const { t } = await getPortalI18n(inbox);
  const id = uuid.safeParse(messageId);
  if (!id.success) return { ok: false, message: t('deleteFailed') };
  try {
    const result = await deleteOwnMessage(getDb(), actorOf(portal), id.data);
    if (result.ok) return { ok: true, message: t('deleteDone') };
    return { ok: false, message: result.error === 'too-late' ? t('deleteTooLate', { minutes: DELETE_WINDOW_MINUTES }) : t('deleteFailed') };
  } catch (error) {
    if (!(error instanceof NotFoundError)) unexpected(t, error);
    return { ok: false, message: t('deleteFailed') };
  }
}
