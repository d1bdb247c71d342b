'use client';

import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { MessageFormState } from '@/lib/conversations/staff-form-state';
import { MAX_SUBJECT_CHARS } from '@/lib/conversations/types';
import { AttachmentField, MessageTextArea } from './message-fields';
import { useMessageAction } from './use-message-action';

/** Starts a conversation with one patient; on success the action opens the new thread. */
export function ComposeForm({ patientId, patientName, action }: { patientId: string; patientName?: string; action: FormAction<MessageFormState> }) {
  const { state, pending, onSubmit, formRef, dispatch } = useMessageAction(action);
  const errors = state.fieldErrors ?? {};
  return (
    <form ref={formRef} action={dispatch} onSubmit={onSubmit} noValidate className="space-y-4" aria-label={patientName ? `New conversation with ${patientName}` : 'New conversation with this patient'}>
      <input type="hidden" name="patientId" value={patientId} />
      <TextField label="Subject" name="subject" maxLength={MAX_SUBJECT_CHARS} error={errors.subject} autoComplete="off" />
      <MessageTextArea label="Message" error={errors.body} rows={6} />
      <AttachmentField error={errors.files} />
      <div className="flex gap-3">
        <input id="compose-hidden-from-proxies" type="checkbox" name="hiddenFromProxies" aria-describedby="compose-hidden-from-proxies-hint" className="mt-1 size-4 shrink-0 accent-brand-accent" />
        <div>
          <label htmlFor="compose-hidden-from-proxies" className="font-medium">Hide from family and caregivers</label>
          <p id="compose-hidden-from-proxies-hint" className="text-sm text-fg-muted">
            Only the patient’s own portal account sees this conversation, never a parent, guardian or caregiver acting for them.
          </p>
        </div>
      </div>
      <p className="text-sm text-fg-muted">
        The patient gets an email (and a text message if they chose one) saying a message is waiting in the portal. It contains no subject or content.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <PrimaryButton type="submit" disabled={pending}>Send message</PrimaryButton>
        {pending ? <span role="status" className="text-sm text-fg-muted">Sending…</span> : null}
      </div>
      <FormMessage message={state.message ?? errors.patientId} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
