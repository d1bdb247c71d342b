'use client';

import { useId } from 'react';
import { FormMessage } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { staffWaitlistEntrySchema, TIME_OF_DAY_CHOICES, WEEKDAY_VALUES, type TimeOfDay } from '@/lib/waitlist/forms';

const WEEKDAY_LABEL: Record<string, string> = { '0': 'Sunday', '1': 'Monday', '2': 'Tuesday', '3': 'Wednesday', '4': 'Thursday', '5': 'Friday', '6': 'Saturday' };
const TIME_LABEL: Record<TimeOfDay, string> = {
  any: 'Any time', morning: 'Morning (08:00–12:00)', afternoon: 'Afternoon (12:00–17:00)', evening: 'Evening (17:00–21:00)',
};

const choiceRow = 'flex min-h-11 items-center gap-2 rounded-lg border border-line bg-surface px-3 has-[:checked]:border-brand-accent has-[:checked]:bg-surface-muted';
const errorText = 'mt-1 text-sm font-medium text-red-700 dark:text-red-300';

/**
 * The EMR's "Add to the waitlist" once patient, location, service and provider are chosen (the
 * page's GET steps): the days, the part of the day (in the location's zone) and the last day.
 * The chosen ids are hidden fields checked again by lib/waitlist/entries.ts.
 */
export function WaitlistAddForm({
  action, hidden, until, zoneNote,
}: {
  action: FormAction<ActionState>;
  hidden: { patientId: string; locationId: string; serviceId: string; providerId: string };
  until: { first: string; last: string; suggested: string };
  /** "Times at Main Street, Central Time": the zone the times are in. */
  zoneNote: string;
}) {
  const { form, state, pending, formProps, errorFor } = useActionForm(staffWaitlistEntrySchema, action, {
    defaultValues: { ...hidden, weekdays: [...WEEKDAY_VALUES], timeOfDay: 'any', untilOn: until.suggested },
    resetAfterSubmit: false,
  });
  const id = useId();
  const daysError = errorFor('weekdays');
  const timeError = errorFor('timeOfDay');
  const untilError = errorFor('untilOn');
  // The hidden choices have no field to show an error on: the form's message says it.
  const hiddenError = errorFor('patientId') ?? errorFor('locationId') ?? errorFor('serviceId') ?? errorFor('providerId');
  return (
    <form {...formProps} className="space-y-5">
      {(['patientId', 'locationId', 'serviceId', 'providerId'] as const).map((name) => (
        <input key={name} type="hidden" {...form.register(name)} defaultValue={hidden[name]} />
      ))}
      {hiddenError ? <FormMessage message={hiddenError} /> : null}

      <fieldset aria-describedby={daysError ? `${id}-days-error` : undefined}>
        <legend className="text-sm font-medium">Days that suit</legend>
        <div className="mt-1 flex flex-wrap gap-2">
          {WEEKDAY_VALUES.map((value) => (
            <label key={value} className={choiceRow}>
              <input type="checkbox" value={value} {...form.register('weekdays')} defaultChecked className="size-4 accent-brand-accent" />
              {WEEKDAY_LABEL[value]}
            </label>
          ))}
        </div>
        {daysError ? <p id={`${id}-days-error`} className={errorText}>{daysError}</p> : null}
      </fieldset>

      <fieldset aria-describedby={timeError ? `${id}-time-hint ${id}-time-error` : `${id}-time-hint`}>
        <legend className="text-sm font-medium">Time of day</legend>
        <p id={`${id}-time-hint`} className="text-sm text-fg-muted">{zoneNote}</p>
        <div className="mt-1 flex flex-wrap gap-2">
          {TIME_OF_DAY_CHOICES.map((value) => (
            <label key={value} className={choiceRow}>
              <input type="radio" value={value} {...form.register('timeOfDay')} defaultChecked={value === 'any'} className="size-4 accent-brand-accent" />
              {TIME_LABEL[value]}
            </label>
          ))}
        </div>
        {timeError ? <p id={`${id}-time-error`} className={errorText}>{timeError}</p> : null}
      </fieldset>

      <div>
        <label htmlFor={`${id}-until`} className="block text-sm font-medium">Until</label>
        <p id={`${id}-until-hint`} className="text-sm text-fg-muted">The last day that suits: from {until.first} to {until.last} (the clinic’s booking horizon).</p>
        <input
          id={`${id}-until`}
          type="date"
          min={until.first}
          max={until.last}
          {...form.register('untilOn')}
          defaultValue={until.suggested}
          aria-invalid={untilError ? true : undefined}
          aria-describedby={untilError ? `${id}-until-hint ${id}-until-error` : `${id}-until-hint`}
          className="mt-1 block min-h-11 rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent aria-invalid:border-red-600"
        />
        {untilError ? <p id={`${id}-until-error`} className={errorText}>{untilError}</p> : null}
      </div>

      <SubmitBelowAnswer state={hiddenError ? { ok: false } : state} pending={pending} label="Add to the waitlist" pendingLabel="Adding…" />
    </form>
  );
}
