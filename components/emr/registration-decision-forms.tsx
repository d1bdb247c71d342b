'use client';

import { useId } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { approveRegistrationSchema, REJECTION_REASON_MAX, rejectRegistrationSchema } from '@/lib/portal-access/registration-review-forms';

// The decision on one self-registration (/emr/registrations): approve, or reject with a reason
// for the clinic's record. The hidden id is also each form's default value, so the browser's check
// with the shared schema sees the whole form the server parses. Without JavaScript each posts to
// its action and the page shows the answer.

const textareaClass = 'mt-1 control';

export function ApproveRegistrationForm({ action, registrationId, label }: { action: FormAction<ActionState>; registrationId: string; label: string }) {
  const { form, state, pending, formProps } = useActionForm(approveRegistrationSchema, action, { defaultValues: { registrationId } });
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" {...form.register('registrationId')} value={registrationId} />
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Approving…' : label}</PrimaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

export function RejectRegistrationForm({ action, registrationId, name }: { action: FormAction<ActionState>; registrationId: string; name: string }) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(rejectRegistrationSchema, action, {
    defaultValues: { registrationId, reason: '' }, resetAfterSubmit: false,
  });
  const error = errorFor('reason');
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" {...form.register('registrationId')} value={registrationId} />
      <div>
        <label htmlFor={`${id}-reason`} className="block text-sm font-medium">Reason for rejecting {name}</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">For the clinic’s record only: the person is told their registration could not be confirmed, never why.</p>
        <textarea
          id={`${id}-reason`} {...form.register('reason')} rows={2} maxLength={REJECTION_REASON_MAX}
          defaultValue={state.ok === false ? state.values?.reason : undefined}
          aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`} className={textareaClass}
        />
        {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      </div>
      <SecondaryButton type="submit" disabled={pending}>{pending ? 'Rejecting…' : 'Reject'}</SecondaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
