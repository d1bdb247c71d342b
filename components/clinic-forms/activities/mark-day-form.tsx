'use client';

import type { ActionState, FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadSchema = () => import('@/lib/clinic-forms/activity-forms').then((m) => m.markActivityDaySchema);

const BUTTON = {
  primary:
    'inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto',
  secondary:
    'inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-3 py-2 text-base font-medium text-fg hover:bg-surface-muted disabled:cursor-not-allowed disabled:text-fg-muted',
} as const;

/**
 * One button that marks a day of a home activity done, or clears it: a plain form whose fields
 * the page wrote, so it works without JavaScript; with it, the action's own schema checks them
 * first. The answer ("Marked done.", or why not) is announced beside the button.
 */
export function MarkDayForm({
  action, assignmentId, day, done, label, accessibleLabel, pendingLabel, variant = 'secondary', errors,
}: {
  action: FormAction<ActionState>;
  assignmentId: string;
  day: string;
  /** What the button does: true marks the day done, false clears it. */
  done: boolean;
  label: string;
  /** The button's name for screen readers when `label` alone is ambiguous ("Undo" → "Undo Tuesday, June 3"). */
  accessibleLabel?: string;
  pendingLabel: string;
  variant?: keyof typeof BUTTON;
  /** The schema's message keys in the page's language. */
  errors: Record<string, string>;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, { initialState: { ok: false }, resetAfterSubmit: false });
  const fieldError = errorFor('assignmentId') ?? errorFor('day') ?? errorFor('done');
  const message = fieldError ? (errors[fieldError] ?? fieldError) : state.message;
  return (
    <form {...formProps} className="flex flex-col gap-1 print:hidden">
      <input type="hidden" name="assignmentId" value={assignmentId} />
      <input type="hidden" name="day" value={day} />
      <input type="hidden" name="done" value={done ? 'true' : 'false'} />
      <button type="submit" disabled={pending} aria-label={pending ? undefined : accessibleLabel} className={BUTTON[variant]}>
        {pending ? pendingLabel : label}
      </button>
      {message ? (
        <p role={state.ok && !fieldError ? 'status' : 'alert'} className={`text-sm ${state.ok && !fieldError ? 'text-fg-muted' : 'font-medium text-red-700 dark:text-red-300'}`}>
          {message}
        </p>
      ) : null}
    </form>
  );
}
