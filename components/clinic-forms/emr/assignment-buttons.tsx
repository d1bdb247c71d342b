'use client';

import { useActionState, useId } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { ASSIGNMENT_MESSAGE_MAX, correctionSchema } from '@/lib/clinic-forms/assignment-schemas';
import { useActionForm } from '@/lib/forms/use-action-form';

/** A one-button form on an assignment (cancel, mark reviewed), its answer under it. */
export function AssignmentButton({ action, patientId, assignmentId, label, pendingLabel, accessibleLabel, tone = 'secondary' }: {
  action: FormAction<ActionState>;
  patientId: string;
  assignmentId: string;
  label: string;
  pendingLabel: string;
  /** The button's name for assistive technology when the label alone is ambiguous in a list. */
  accessibleLabel?: string;
  tone?: 'primary' | 'secondary';
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, {});
  const Button = tone === 'primary' ? PrimaryButton : SecondaryButton;
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="patientId" value={patientId} />
      <input type="hidden" name="assignmentId" value={assignmentId} />
      <Button type="submit" disabled={pending} aria-label={accessibleLabel}>{pending ? pendingLabel : label}</Button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

/** "Ask for a correction": what to tell the patient and, optionally, a new due date. */
export function CorrectionForm({ action, patientId, assignmentId, today }: { action: FormAction<ActionState>; patientId: string; assignmentId: string; today: string }) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(correctionSchema, action);
  return (
    <form {...formProps} className="space-y-3">
      <input type="hidden" {...form.register('patientId')} value={patientId} />
      <input type="hidden" {...form.register('assignmentId')} value={assignmentId} />
      <div>
        <label htmlFor={`${id}-message`} className="block text-sm font-medium">What should the patient check? (optional)</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">Shown with the form in the portal. The email and SMS only say the clinic asked to check a form.</p>
        <textarea
          id={`${id}-message`}
          {...form.register('message')}
          rows={2}
          maxLength={ASSIGNMENT_MESSAGE_MAX}
          aria-describedby={`${id}-hint${errorFor('message') ? ` ${id}-error` : ''}`}
          aria-invalid={errorFor('message') ? true : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2"
        />
        {errorFor('message') ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errorFor('message')}</p> : null}
      </div>
      <div>
        <label htmlFor={`${id}-due`} className="block text-sm font-medium">New due date (optional)</label>
        <input
          id={`${id}-due`}
          type="date"
          min={today}
          {...form.register('dueOn')}
          aria-invalid={errorFor('dueOn') ? true : undefined}
          aria-describedby={errorFor('dueOn') ? `${id}-due-error` : undefined}
          className="mt-1 block rounded-lg border border-line bg-surface px-3 py-2.5"
        />
        {errorFor('dueOn') ? <p id={`${id}-due-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errorFor('dueOn')}</p> : null}
      </div>
      <SubmitBelowAnswer state={state} pending={pending} label="Ask for a correction" pendingLabel="Sending…" />
    </form>
  );
}
