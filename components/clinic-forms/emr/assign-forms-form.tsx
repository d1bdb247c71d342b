'use client';

import { useId } from 'react';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { ASSIGNMENT_MESSAGE_MAX, assignFormsSchema } from '@/lib/clinic-forms/assignment-schemas';
import { useActionForm } from '@/lib/forms/use-action-form';

export interface AssignableForm {
  id: string;
  title: string;
  kind: 'intake' | 'consent' | 'questionnaire' | 'home_activity';
  publishedVersion: number | null;
}

const KIND: Record<AssignableForm['kind'], string> = { intake: 'Intake', consent: 'Consent', questionnaire: 'Questionnaire', home_activity: 'Home activity' };

/**
 * Chart → Forms → "Assign forms": the published forms as a checkbox group, an optional message
 * and due date. A plain form until JavaScript loads (the action parses the same schema).
 */
export function AssignFormsForm({ patientId, forms, today, action }: { patientId: string; forms: readonly AssignableForm[]; today: string; action: FormAction<ActionState> }) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(assignFormsSchema, action, { defaultValues: { templateIds: [] } });
  const formsError = errorFor('templateIds');
  if (forms.length === 0) {
    return <p className="text-sm text-fg-muted">No published forms yet. Forms are built and published in the CRM (Forms).</p>;
  }
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      <input type="hidden" {...form.register('patientId')} value={patientId} />
      <fieldset className="sm:col-span-2" aria-describedby={formsError ? `${id}-error` : undefined} aria-invalid={formsError ? true : undefined}>
        <legend className="text-sm font-medium">Forms to assign</legend>
        <ul className="mt-2 grid gap-1 sm:grid-cols-2">
          {forms.map((f) => (
            <li key={f.id}>
              <label className="flex min-h-11 items-center gap-2 text-sm">
                <input type="checkbox" value={f.id} className="size-5" {...form.register('templateIds')} />
                <span>{f.title} <span className="text-fg-muted">· {KIND[f.kind]} · v{f.publishedVersion}</span></span>
              </label>
            </li>
          ))}
        </ul>
        {formsError ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{formsError}</p> : null}
      </fieldset>
      <div className="sm:col-span-2">
        <label htmlFor={`${id}-message`} className="block text-sm font-medium">Message to the patient (optional)</label>
        <p id={`${id}-message-hint`} className="mt-0.5 text-sm text-fg-muted">Shown with the forms in the portal, never in the email or SMS.</p>
        <textarea
          id={`${id}-message`}
          {...form.register('message')}
          rows={2}
          maxLength={ASSIGNMENT_MESSAGE_MAX}
          aria-describedby={`${id}-message-hint${errorFor('message') ? ` ${id}-message-error` : ''}`}
          aria-invalid={errorFor('message') ? true : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2"
        />
        {errorFor('message') ? <p id={`${id}-message-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errorFor('message')}</p> : null}
      </div>
      <TextField
        {...form.register('dueOn')}
        type="date"
        min={today}
        label="Due date (optional)"
        hint="Reminders go out before it; the form expires after it."
        error={errorFor('dueOn')}
      />
      <SubmitBelowAnswer state={state} pending={pending} label="Assign forms" pendingLabel="Assigning…" className="sm:col-span-2" />
    </form>
  );
}
