'use client';

import { useActionState, useId } from 'react';
import { FormMessage, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { ScheduleFormState } from '@/lib/scheduling/schedule-form-state';

type Action = FormAction<ScheduleFormState>;

/** Cancel needs a reason; the field's error is tied to it (WCAG 3.3.1). */
export function CancelAppointmentForm({ appointmentId, action: cancel }: { appointmentId: string; action: Action }) {
  const [state, action, pending] = useActionState<ScheduleFormState, FormData>(cancel, {});
  const id = useId();
  const error = state.fieldErrors?.reason;
  return (
    <form action={action} noValidate className="space-y-3">
      <input type="hidden" name="appointmentId" value={appointmentId} />
      <div>
        <label htmlFor={`${id}-reason`} className="block text-sm font-medium">Reason for cancelling (required)</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">The patient sees this reason. No health details.</p>
        <textarea
          id={`${id}-reason`} name="reason" rows={3} maxLength={500} required
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ')}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent aria-invalid:border-red-600"
        />
        {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      </div>
      <SecondaryButton type="submit" disabled={pending} className="border-red-600 text-red-800 dark:text-red-300">
        {pending ? 'Cancelling…' : 'Cancel this visit'}
      </SecondaryButton>
      {!error ? <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} /> : null}
    </form>
  );
}

/** Completed and no-show, once the visit has started (the lib refuses earlier, with a message). */
export function OutcomeForms({ appointmentId, actions }: { appointmentId: string; actions: { completed: Action; noShow: Action } }) {
  const [done, completeAction, completing] = useActionState<ScheduleFormState, FormData>(actions.completed, {});
  const [missed, noShowAction, marking] = useActionState<ScheduleFormState, FormData>(actions.noShow, {});
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <form action={completeAction}>
          <input type="hidden" name="appointmentId" value={appointmentId} />
          <SecondaryButton type="submit" disabled={completing}>{completing ? 'Saving…' : 'Mark completed'}</SecondaryButton>
        </form>
        <form action={noShowAction}>
          <input type="hidden" name="appointmentId" value={appointmentId} />
          <SecondaryButton type="submit" disabled={marking}>{marking ? 'Saving…' : 'Mark no-show'}</SecondaryButton>
        </form>
      </div>
      <FormMessage message={done.message ?? missed.message} tone="error" />
    </div>
  );
}
