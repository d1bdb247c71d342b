'use client';

import { useId } from 'react';
import { FormMessage } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { removeWaitlistEntrySchema, WAITLIST_REASON_MAX } from '@/lib/waitlist/forms';

/**
 * "Remove" on a waitlist row: the reason is required and kept on the entry. A disclosure keeps
 * the table readable; the reason field and its button appear when opened.
 */
export function WaitlistRemoveForm({ action, entryId, patientName }: { action: FormAction<ActionState>; entryId: string; patientName: string }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(removeWaitlistEntrySchema, action, { defaultValues: { entryId } });
  const id = useId();
  const reasonError = errorFor('reason');
  if (state.ok) return <FormMessage tone="info" message={state.message} />;
  return (
    <details className="group">
      <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg border border-line px-3 text-sm font-medium hover:bg-surface-muted">
        Remove<span className="sr-only"> {patientName} from the waitlist</span>
      </summary>
      <form {...formProps} className="mt-2 space-y-2">
        <input type="hidden" {...form.register('entryId')} defaultValue={entryId} />
        <FormMessage message={reasonError || errorFor('entryId') ? undefined : state.message} />
        {errorFor('entryId') ? <FormMessage message={errorFor('entryId')} /> : null}
        <div>
          <label htmlFor={`${id}-reason`} className="block text-sm font-medium">Reason</label>
          <input
            id={`${id}-reason`}
            {...form.register('reason')}
            maxLength={WAITLIST_REASON_MAX}
            autoComplete="off"
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? `${id}-error` : undefined}
            className="mt-1 block min-h-11 w-full min-w-48 rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent aria-invalid:border-red-600"
          />
          {reasonError ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{reasonError}</p> : null}
        </div>
        <button type="submit" disabled={pending} className="min-h-11 rounded-lg border border-line bg-surface px-3 text-sm font-semibold hover:bg-surface-muted disabled:opacity-60">
          {pending ? 'Removing…' : 'Remove from the waitlist'}
        </button>
      </form>
    </details>
  );
}
