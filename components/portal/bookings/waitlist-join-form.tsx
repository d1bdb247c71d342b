'use client';

import { useId } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadSchema = () => import('@/lib/waitlist/forms').then((m) => m.joinWaitlistBrowserSchema);

export interface WaitlistJoinText {
  formHeading: string;
  daysLegend: string;
  daysHint: string;
  timeLegend: string;
  timeHint: string;
  untilLabel: string;
  untilHint: string;
  joinButton: string;
  joining: string;
  /** The browser's own checks name catalogue keys: their words in the page's language. */
  errors: Record<string, string>;
}

export interface Choice {
  value: string;
  label: string;
}

const choiceRow = 'flex min-h-11 items-center gap-3 rounded-lg border border-line bg-surface px-3 py-2 has-[:checked]:border-brand-accent has-[:checked]:bg-surface-muted';
const errorText = 'mt-1 text-sm font-medium text-red-700 dark:text-red-300';

/**
 * "Join the waitlist": the booking flow's choices ride along hidden; the patient ticks the days
 * that suit, chooses a part of the day and the last day. Works as a plain form without
 * JavaScript; what was ticked is kept after a refusal.
 */
export function WaitlistJoinForm({
  action, hidden, weekdays, times, until, text,
}: {
  action: FormAction<ActionState>;
  hidden: { location: string; service: string; provider: string };
  weekdays: Choice[];
  times: Choice[];
  until: { first: string; last: string; suggested: string };
  text: WaitlistJoinText;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, { initialState: { ok: false }, resetAfterSubmit: false });
  const id = useId();
  const words = (raw: string | undefined) => (raw ? (text.errors[raw] ?? raw) : undefined);
  const daysError = state.fieldErrors?.weekdays;
  const timeError = state.fieldErrors?.timeOfDay;
  const untilError = words(errorFor('untilOn'));
  // A hidden choice that went stale has no field to show its error on: the form's message says it.
  const hiddenError = words(errorFor('location') ?? errorFor('service') ?? errorFor('provider'));
  return (
    <form {...formProps} className="space-y-5 rounded-xl border border-line bg-surface p-4 sm:p-5" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="text-lg font-semibold">{text.formHeading}</h2>
      <input type="hidden" name="location" value={hidden.location} />
      <input type="hidden" name="service" value={hidden.service} />
      <input type="hidden" name="provider" value={hidden.provider} />
      <FormMessage message={hiddenError ?? state.message} />

      <fieldset aria-describedby={daysError ? `${id}-days-hint ${id}-days-error` : `${id}-days-hint`}>
        <legend className="font-medium">{text.daysLegend}</legend>
        <p id={`${id}-days-hint`} className="mt-0.5 text-sm text-fg-muted">{text.daysHint}</p>
        <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
          {weekdays.map((day) => (
            <label key={day.value} className={choiceRow}>
              <input type="checkbox" name="weekdays" value={day.value} defaultChecked className="size-5 shrink-0 accent-brand-accent" />
              <span>{day.label}</span>
            </label>
          ))}
        </div>
        {daysError ? <p id={`${id}-days-error`} className={errorText}>{daysError}</p> : null}
      </fieldset>

      <fieldset aria-describedby={timeError ? `${id}-time-hint ${id}-time-error` : `${id}-time-hint`}>
        <legend className="font-medium">{text.timeLegend}</legend>
        <p id={`${id}-time-hint`} className="mt-0.5 text-sm text-fg-muted">{text.timeHint}</p>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {times.map((time, i) => (
            <label key={time.value} className={choiceRow}>
              <input type="radio" name="timeOfDay" value={time.value} defaultChecked={i === 0} required className="size-5 shrink-0 accent-brand-accent" />
              <span>{time.label}</span>
            </label>
          ))}
        </div>
        {timeError ? <p id={`${id}-time-error`} className={errorText}>{timeError}</p> : null}
      </fieldset>

      <div>
        <label htmlFor={`${id}-until`} className="block font-medium">{text.untilLabel}</label>
        <p id={`${id}-until-hint`} className="mt-0.5 text-sm text-fg-muted">{text.untilHint}</p>
        <input
          id={`${id}-until`}
          type="date"
          name="untilOn"
          min={until.first}
          max={until.last}
          defaultValue={until.suggested}
          required
          aria-invalid={untilError ? true : undefined}
          aria-describedby={untilError ? `${id}-until-hint ${id}-until-error` : `${id}-until-hint`}
          className="mt-1 block min-h-11 w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg shadow-sm focus:border-brand-accent aria-invalid:border-red-600 sm:w-64"
        />
        {untilError ? <p id={`${id}-until-error`} className={errorText}>{untilError}</p> : null}
      </div>

      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? text.joining : text.joinButton}
      </PrimaryButton>
    </form>
  );
}
