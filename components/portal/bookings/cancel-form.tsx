'use client';

import { useId } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { CANCEL_REASON_MAX } from '@/lib/scheduling/booking-limits';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadSchema = () => import('@/lib/scheduling/booking-forms').then((m) => m.cancelVisitSchema);

export interface CancelFormText {
  reasonLabel: string;
  reasonHint: string;
  confirmCancel: string;
  cancelling: string;
  /** The browser's own checks, in the page's language (the schema names these keys). */
  reasonRequired: string;
  reasonTooLong: string;
}

/**
 * Cancelling needs a reason: a labelled textarea whose error is tied to it, checked as the
 * person leaves it with the action's own schema.
 */
export function CancelForm({
  action, appointmentId, text, children,
}: {
  action: FormAction<ActionState>;
  appointmentId: string;
  text: CancelFormText;
  children?: React.ReactNode;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, { initialState: { ok: false } });
  const id = useId();
  const raw = errorFor('reason');
  const error = raw === 'reasonRequired' ? text.reasonRequired : raw === 'reasonTooLong' ? text.reasonTooLong : raw;
  return (
    <form {...formProps} className="space-y-4">
      <input type="hidden" name="appointment" value={appointmentId} />
      {/* The reason's own error says it all; the form's message is for the visit itself. */}
      <FormMessage message={error ? undefined : state.message} />
      <div>
        <label htmlFor={id} className="block font-medium">{text.reasonLabel}</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{text.reasonHint}</p>
        <textarea
          name="reason"
          id={id}
          rows={4}
          maxLength={CANCEL_REASON_MAX}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg shadow-sm focus:border-brand-accent aria-invalid:border-red-600"
        />
        {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      </div>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? text.cancelling : text.confirmCancel}
        </PrimaryButton>
        {children}
      </div>
    </form>
  );
}
