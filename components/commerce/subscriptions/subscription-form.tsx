'use client';

import { FormMessage } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';

/**
 * One change to a subscription as a form: the subscription's id (hidden), the fields the change
 * needs (a date, a reason), the answer and one button. A plain server-action form until the page
 * is interactive (it works without JavaScript); then the same schema the action parses checks it
 * in the browser. Used by the portal (keys of its catalogue, translated through `errors`) and the
 * EMR (English). Field errors are linked from the summary and wired to their fields.
 */

type Audience = 'portal' | 'staff';
export type SubscriptionFormKind = 'subscriptionId' | 'pause' | 'reschedule' | 'cancel' | 'phase';

const load = (audience: Audience, kind: SubscriptionFormKind) => () =>
  import('@/lib/commerce/subscription-forms').then((m) => (audience === 'portal' ? m.portalSubscriptionSchemas : m.staffSubscriptionSchemas)[kind]);

// Stable loaders (useLazyActionForm wants one function per schema for the page's life).
const LOADERS: Record<Audience, Record<SubscriptionFormKind, ReturnType<typeof load>>> = {
  portal: { subscriptionId: load('portal', 'subscriptionId'), pause: load('portal', 'pause'), reschedule: load('portal', 'reschedule'), cancel: load('portal', 'cancel'), phase: load('portal', 'phase') },
  staff: { subscriptionId: load('staff', 'subscriptionId'), pause: load('staff', 'pause'), reschedule: load('staff', 'reschedule'), cancel: load('staff', 'cancel'), phase: load('staff', 'phase') },
};

export type SubscriptionField =
  | { type: 'date'; name: string; label: string; hint?: string; min?: string; max?: string; defaultValue?: string }
  | { type: 'radios'; name: string; legend: string; options: { value: string; label: string }[] }
  | { type: 'text'; name: string; label: string; maxLength: number }
  | { type: 'select'; name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string };

const control = 'mt-1 control sm:max-w-xs';

export function SubscriptionForm({
  audience, kind, action, subscriptionId, id, fields = [], submitLabel, pendingLabel, errorTitle, errors = {}, tone = 'plain', testId,
}: {
  audience: Audience;
  kind: SubscriptionFormKind;
  action: FormAction<ActionState>;
  subscriptionId: string;
  /** Prefix of the fields' ids (unique on the page). */
  id: string;
  fields?: SubscriptionField[];
  submitLabel: string;
  pendingLabel: string;
  errorTitle: string;
  /** The schema's message keys in the page's language (the portal); English pages pass none. */
  errors?: Record<string, string>;
  tone?: 'plain' | 'primary' | 'danger';
  testId?: string;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(LOADERS[audience][kind], action, { resetAfterSubmit: false });
  const words = (text: string | undefined) => (text ? errors[text] ?? text : undefined);
  const fieldError = (name: string) => words(errorFor(name as never));
  const listed = fields.map((f) => ({ id: `${id}-${f.name}`, message: fieldError(f.name) })).filter((e): e is { id: string; message: string } => Boolean(e.message));
  const values = state.values ?? {};
  const tones = {
    plain: 'border border-line bg-surface text-fg hover:bg-surface-muted',
    primary: 'bg-brand text-brand-contrast shadow-sm hover:shadow-md',
    danger: 'bg-red-700 text-white hover:bg-red-800',
  };
  return (
    <form {...formProps} className="space-y-3" data-testid={testId}>
      {listed.length > 0 ? (
        <div role="alert" className="rounded-lg border-2 border-red-600 bg-red-50 p-3 text-red-900 dark:bg-red-950 dark:text-red-50">
          <p className="font-semibold">{errorTitle}</p>
          <ul className="mt-1 list-disc pl-5">
            {listed.map((e) => <li key={e.id}><a href={`#${e.id}`} className="underline underline-offset-2">{e.message}</a></li>)}
          </ul>
        </div>
      ) : <FormMessage message={words(state.message)} tone={state.ok ? 'info' : 'error'} />}
      <input type="hidden" name="subscriptionId" value={subscriptionId} />
      {fields.map((f) => {
        const fid = `${id}-${f.name}`;
        const error = fieldError(f.name);
        const describedBy = [error ? `${fid}-error` : null, 'hint' in f && f.hint ? `${fid}-hint` : null].filter(Boolean).join(' ') || undefined;
        const errorText = error ? <p id={`${fid}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null;
        if (f.type === 'radios') {
          return (
            <fieldset key={f.name} aria-describedby={describedBy}>
              <legend className="text-sm font-medium">{f.legend}</legend>
              <div className="mt-1 space-y-1" id={fid} tabIndex={-1}>
                {f.options.map((o, i) => (
                  <label key={o.value} className="flex min-h-11 items-center gap-3">
                    <input type="radio" name={f.name} value={o.value} defaultChecked={values[f.name] ? values[f.name] === o.value : i === 0} className="h-5 w-5" />
                    <span>{o.label}</span>
                  </label>
                ))}
              </div>
              {errorText}
            </fieldset>
          );
        }
        return (
          <div key={f.name}>
            <label htmlFor={fid} className="block text-sm font-medium">{f.label}</label>
            {'hint' in f && f.hint ? <p id={`${fid}-hint`} className="mt-0.5 text-sm text-fg-muted">{f.hint}</p> : null}
            {f.type === 'date' ? (
              <input id={fid} type="date" name={f.name} min={f.min} max={f.max} defaultValue={values[f.name] ?? f.defaultValue} required
                aria-invalid={error ? true : undefined} aria-describedby={describedBy} className={control} />
            ) : f.type === 'text' ? (
              <input id={fid} type="text" name={f.name} maxLength={f.maxLength} defaultValue={values[f.name]} autoComplete="off"
                aria-invalid={error ? true : undefined} aria-describedby={describedBy} className={control} />
            ) : (
              <select id={fid} name={f.name} defaultValue={values[f.name] ?? f.defaultValue} aria-invalid={error ? true : undefined} aria-describedby={describedBy} className={control}>
                {f.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
              </select>
            )}
            {errorText}
          </div>
        );
      })}
      <button type="submit" disabled={pending} data-testid={testId ? `${testId}-submit` : undefined}
        className={`inline-flex min-h-11 w-full items-center justify-center rounded-lg px-4 py-2.5 text-base font-semibold disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto ${tones[tone]}`}>
        {pending ? pendingLabel : submitLabel}
      </button>
    </form>
  );
}
