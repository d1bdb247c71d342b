'use client';

import { createContext, useContext, useId } from 'react';
import { useFormContext, type UseFormRegisterReturn } from 'react-hook-form';
import type { AutomationDraft, BuilderOptions, Choice } from '@/lib/engagement/automations/builder-form';

// What every part of the automation builder reads: the clinic's choices, the trigger now chosen,
// whether JavaScript is running (without it, the structural buttons post the draft), and a
// field's message (the browser's check first, else the server's from the last post).

export interface Builder {
  options: BuilderOptions;
  trigger: string;
  live: boolean;
  errorFor: (name: string) => string | undefined;
}

export const BuilderContext = createContext<Builder | null>(null);

export function useBuilder(): Builder & { register: (name: string) => UseFormRegisterReturn } {
  const builder = useContext(BuilderContext);
  const form = useFormContext<AutomationDraft>();
  if (!builder) throw new Error('useBuilder outside the automation builder');
  return { ...builder, register: (name) => form.register(name as never) };
}

export const textareaClass = 'mt-1 control';
export const smallButton = 'inline-flex min-h-11 items-center rounded-lg border border-line bg-surface px-3 text-sm font-medium hover:bg-surface-muted';

export function FieldMessage({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return <p id={id} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p>;
}

/**
 * A group of checkboxes posting one list (`filter.0.values`): a fieldset with its legend, and its
 * error wired to the group. A value no longer offered (an archived form) stays while it is chosen.
 */
export function CheckGroup({ name, legend, choices, chosen, empty }: { name: string; legend: string; choices: readonly Choice[]; chosen: readonly string[]; empty?: string }) {
  const { register, errorFor } = useBuilder();
  const id = useId();
  const error = errorFor(name);
  const shown = [...choices, ...chosen.filter((v) => !choices.some((c) => c.value === v)).map((v) => ({ value: v, label: 'No longer available' }))];
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined} className="min-w-0">
      <legend className="text-sm font-medium">{legend}</legend>
      {shown.length === 0 ? (
        <p className="mt-1 text-sm text-fg-muted">{empty ?? 'Nothing to choose from yet.'}</p>
      ) : (
        <ul className="mt-2 grid gap-2 sm:grid-cols-2">
          {shown.map((c) => (
            <li key={c.value} className="flex items-start gap-2">
              <input id={`${id}-${c.value}`} type="checkbox" value={c.value} defaultChecked={chosen.includes(c.value)} {...register(name)}
                className="mt-1 size-4 shrink-0 accent-brand-accent" />
              <label htmlFor={`${id}-${c.value}`}>{c.label}</label>
            </li>
          ))}
        </ul>
      )}
      <FieldMessage id={`${id}-error`} error={error} />
    </fieldset>
  );
}

/** A short list of sentences (save's problems) shown beside what they name. */
export function Problems({ id, problems }: { id: string; problems: readonly string[] | undefined }) {
  if (!problems?.length) return null;
  return (
    <ul id={id} className="space-y-1 rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">
      {problems.map((p) => <li key={p}>{p}</li>)}
    </ul>
  );
}
