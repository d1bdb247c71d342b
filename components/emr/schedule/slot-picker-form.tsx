'use client';

import { useActionState, useId } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { SlotOption } from '@/lib/scheduling/schedule-format';
import type { ScheduleFormState } from '@/lib/scheduling/schedule-form-state';

/**
 * Free times as radio buttons, then one confirm button. After "just taken" the action sends the
 * day's fresh times, which replace the ones shown.
 */
export function SlotPickerForm({ action: confirm, hidden, slots, legend, submitLabel, summary, defaultValue }: {
  /** Book or move: the page hands the form its action. */
  action: FormAction<ScheduleFormState>;
  hidden: Record<string, string>;
  slots: SlotOption[];
  legend: string;
  submitLabel: string;
  summary?: string;
  /** The time chosen on the calendar, preselected. */
  defaultValue?: string;
}) {
  const [state, action, pending] = useActionState<ScheduleFormState, FormData>(confirm, {});
  const id = useId();
  const errorId = `${id}-error`;
  const shown = state.slots ?? slots;
  return (
    <form action={action} noValidate className="space-y-3">
      {Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      <fieldset aria-describedby={state.fieldErrors?.slot ? errorId : undefined}>
        <legend className="font-medium">{legend}</legend>
        {state.fieldErrors?.slot ? <p id={errorId} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{state.fieldErrors.slot}</p> : null}
        {shown.length === 0 ? (
          <p className="mt-2 text-sm text-fg-muted">No free times this day. Choose another day or provider.</p>
        ) : (
          <div className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {shown.map((slot) => (
              <label key={slot.value} className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-line bg-surface px-3 py-2 has-checked:border-brand-accent has-checked:ring-2 has-checked:ring-brand-accent">
                <input type="radio" name="slot" value={slot.value} defaultChecked={slot.value === defaultValue} className="size-4" required />
                <span>{slot.label}</span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {summary ? <p className="text-sm text-fg-muted">{summary}</p> : null}
      <PrimaryButton type="submit" disabled={pending || shown.length === 0}>{pending ? 'Saving…' : submitLabel}</PrimaryButton>
    </form>
  );
}
