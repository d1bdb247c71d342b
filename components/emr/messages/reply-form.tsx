'use client';

import { useRef } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { MessageFormState } from '@/lib/conversations/staff-form-state';
import { AttachmentField, MessageTextArea } from './message-fields';
import { useMessageAction } from './use-message-action';

/** The label "Reply" and the button "Send reply" are what the cross-host e2e journey looks for. */
export function ReplyForm({ conversationId, action, onSent }: { conversationId: string; action: FormAction<MessageFormState>; onSent?: () => void }) {
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const { state, pending, onSubmit, formRef, dispatch } = useMessageAction(action, () => {
    // Ready for the next message: keyboard users stay where they were typing.
    textareaRef.current?.focus();
    onSent?.();
  });
  const errors = state.fieldErrors ?? {};
  return (
    <form ref={formRef} action={dispatch} onSubmit={onSubmit} noValidate className="space-y-3">
      <input type="hidden" name="conversationId" value={conversationId} />
      <MessageTextArea label="Reply" error={errors.body} textareaRef={textareaRef} rows={4} />
      <AttachmentField error={errors.files} />
      <div className="flex flex-wrap items-center gap-3">
        <PrimaryButton type="submit" disabled={pending}>Send reply</PrimaryButton>
        {pending ? <span role="status" className="text-sm text-fg-muted">Sending…</span> : null}
      </div>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
