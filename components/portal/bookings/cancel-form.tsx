'use client';

import { useActionState, useId } from 'react';
import { useFormStatus } from 'react-dom';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';

export interface CancelState {
  ok: boolean;
  message?: string;
  fieldErrors?: { reason?: string };
}

export interface CancelFormText {
  reasonLabel: string;
  reasonHint: string;
  confirmCancel: string;
  cancelling: string;
}

function Submit({ text }: { text: CancelFormText }) {
  const status = useFormStatus();
  return (
    <PrimaryButton type="submit" disabled={status.pending} className="w-full sm:w-auto">
      {status.pending ? text.cancelling : text.confirmCancel}
    </PrimaryButton>
  );
}

/** Cancelling needs a reason: a labelled textarea whose error is tied to it. */
export function CancelForm({
  action, appointmentId, text, children,
}: {
  action: (state: CancelState, form: FormData) => Promise<CancelState>;
  appointmentId: string;
  text: CancelFormText;
  children?: React.ReactNode;
}) {
  const [state, formAction] = useActionState(action, { ok: false });
  const id = useId();
  const error = state.fieldErrors?.reason;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="appointment" value={appointmentId} />
      <FormMessage message={state.message} />
      <div>
        <label htmlFor={id} className="block font-medium">{text.reasonLabel}</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{text.reasonHint}</p>
        <textarea
          id={id}
          name="reason"
          rows={4}
          maxLength={500}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg shadow-sm focus:border-brand-accent aria-invalid:border-red-600"
        />
        {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      </div>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <Submit text={text} />
        {children}
      </div>
    </form>
  );
}
