'use client';

import { unstable_rethrow } from 'next/navigation';
import { startTransition, useActionState, useEffect, useRef, useState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import {
  attachmentsHintVars, checkAttachments, checkBody, chosenFiles, inboxProblemState, MAX_BODY_CHARS, type InboxFormState,
} from '@/lib/conversations/attachment-rules';
import { interpolate } from '@/lib/i18n/core';
import type { InboxMessages } from '@/lib/i18n/messages/inbox';
import { AttachmentsField, BodyField } from './message-fields';

/**
 * The reply box. Submitted through useActionState from onSubmit (not the form's own reset), so
 * a refused reply keeps its text and files; after a sent one the form empties, focus returns to
 * the text box for the next message, and `onSent` fetches the new message into the thread.
 */
export function ReplyForm({ action, conversationId, messages: m, onSent }: {
  action: FormAction<InboxFormState>;
  conversationId: string;
  messages: InboxMessages;
  onSent: () => void;
}) {
  const [state, formAction, pending] = useActionState(async (previous: InboxFormState, data: FormData): Promise<InboxFormState> => {
    try {
      return await action(previous, data);
    } catch (error) {
      // A redirect (session ended) goes on; a dropped connection is said in words, not a crash page.
      unstable_rethrow(error);
      return { ok: false, message: m.errorGeneric };
    }
  }, {});
  const [local, setLocal] = useState<InboxFormState | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const handled = useRef(state);

  useEffect(() => {
    if (handled.current === state) return;
    handled.current = state;
    if (state.ok) {
      formRef.current?.reset();
      bodyRef.current?.focus();
      onSent();
    } else if (!state.ok && state.fieldErrors?.body) {
      bodyRef.current?.focus();
    }
  }, [state, onSent]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const files = chosenFiles<File>(data.getAll('files'));
    const invalid = inboxProblemState([checkBody(String(data.get('body') ?? ''), files.length > 0) ?? checkAttachments(files)], (key, vars) => interpolate(m[key], vars));
    if (invalid) {
      setLocal(invalid);
      if (invalid.fieldErrors?.body) bodyRef.current?.focus();
      return;
    }
    setLocal(null);
    startTransition(() => formAction(data));
  }

  const shown = local ?? state;
  const errors = shown.fieldErrors ?? {};
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate className="space-y-3" aria-labelledby="reply-heading">
      <h2 id="reply-heading" className="text-lg font-semibold">{m.replyHeading}</h2>
      <input type="hidden" name="conversationId" value={conversationId} />
      <BodyField ref={bodyRef} label={m.replyLabel} hint={interpolate(m.bodyHint, { max: MAX_BODY_CHARS })} error={errors.body} rows={4} />
      <AttachmentsField label={m.attachmentsLabel} hint={interpolate(m.attachmentsHint, attachmentsHintVars())} error={errors.files} />
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? m.sending : m.replySend}
      </PrimaryButton>
      <FormMessage message={shown.message} tone={shown.ok ? 'info' : 'error'} />
    </form>
  );
}
