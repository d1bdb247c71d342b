'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { startTransition, useActionState, useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { FormProvider, get, useForm, useWatch, type Resolver } from 'react-hook-form';
import { FormMessage, PrimaryButton, SecondaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { ADD_FIELDS, automationFormSchema, intents, type AutomationDraft, type BuilderOptions, type BuilderState } from '@/lib/engagement/automations/builder-form';
import { TRIGGER_GROUPS } from '@/lib/engagement/automations/builder-words';
import { BuilderContext, FieldMessage, smallButton, textareaClass } from './builder-context';
import { ConditionList } from './builder-conditions';
import { StepList } from './builder-steps';
import { DryRunResults } from './dry-run-results';

/**
 * The automation builder (CRM → Automations, new and edit; issue 18 point 2): a name, the trigger
 * and its optional filter, and the steps, then Save and "Try it" (a dry run on the last 20 events,
 * saved or not). One form posts to one action whose buttons are intents (builder-form.ts).
 *
 * With JavaScript, react-hook-form holds the draft: steps and conditions are added, removed and
 * moved in the browser (useFieldArray), and Save and Try it are checked first with the same schema
 * the action uses. Without it, every button posts the whole draft and the page comes back with
 * the action's answer, the draft included, drawn again. A save refused by the clinic's rules
 * (a template of the wrong channel, a team that does not exist) puts each problem on its step.
 */

const noSubscription = () => () => undefined;

export function AutomationBuilder({ action, automationId, version, draft: saved, options, webhookSecret }: {
  action: FormAction<BuilderState>;
  automationId: string | null;
  version: number | null;
  draft: AutomationDraft;
  options: BuilderOptions;
  /** The clinic's signing secret, shown while the automation has a webhook step. */
  webhookSecret: string;
}) {
  const id = useId();
  const [state, formAction, pending] = useActionState<BuilderState, FormData>(action, {});
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  // The draft the page was drawn with: after a post without JavaScript, the one the action sent back.
  const [initial] = useState(() => state.draft ?? saved);
  const form = useForm<AutomationDraft>({
    resolver: zodResolver(automationFormSchema as never) as unknown as Resolver<AutomationDraft>,
    mode: 'onTouched',
    defaultValues: initial,
  });
  const trigger = useWatch({ control: form.control, name: 'trigger' }) ?? initial.trigger;

  // Server messages are for the form as it was posted: once steps move in the browser, they no
  // longer point at the right fields, so they are shown until the next change only.
  const [changedSince, setChangedSince] = useState<BuilderState | null>(null);
  const fresh = changedSince !== state;
  const [notice, setNotice] = useState('');
  const focusNext = useRef<string | null>(null);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    if (focusNext.current) document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  }, [changes]);
  const notify = (text: string, focusId: string) => {
    setNotice(text);
    setChangedSince(state);
    focusNext.current = focusId;
    setChanges((n) => n + 1);
  };

  // After a dry run, its results (below the form) get the focus, so they are read next.
  const results = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (state.dryRun) results.current?.focus();
  }, [state]);

  const errorFor = (name: string): string | undefined => {
    // A list's own message (no steps, too many) is on its `root` (react-hook-form's field arrays).
    const error = get(form.formState.errors, name) as { message?: unknown; root?: { message?: unknown } } | undefined;
    const message = error?.message ?? error?.root?.message;
    if (typeof message === 'string') return message;
    return fresh ? state.fieldErrors?.[name] : undefined;
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const element = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    void form.handleSubmit(() => {
      // The browser's own form data (the button pressed, the hidden fields): as posted without JavaScript.
      const payload = new FormData(element, submitter);
      startTransition(() => formAction(payload));
    })(event);
  };

  const problems = fresh ? state.problems : undefined;
  const problemCount = problems ? problems.general.length + Object.values(problems.filter).flat().length + Object.values(problems.steps).flat().length : 0;
  const descriptionError = errorFor('description');

  return (
    <BuilderContext.Provider value={{ options, trigger, live, errorFor }}>
      <FormProvider {...form}>
        <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-6" aria-describedby={problemCount ? `${id}-summary` : undefined}>
          {/* Enter in a text box saves (the first submit button is the form's default). */}
          <button type="submit" name="intent" value="save" tabIndex={-1} aria-hidden="true" className="sr-only">Save</button>
          <input type="hidden" name="automationId" value={automationId ?? ''} />
          <input type="hidden" name="expectedVersion" value={state.expectedVersion ?? version ?? ''} />

          {problemCount > 0 ? (
            <div id={`${id}-summary`} role="alert" className="space-y-2 rounded-xl border border-red-300 bg-red-50 p-4 text-red-800">
              <p className="font-semibold">{state.message}</p>
              <ul className="list-disc space-y-1 pl-5 text-sm">
                {problems!.general.map((p) => <li key={p}>{p}</li>)}
                {Object.entries(problems!.filter).flatMap(([, list]) => list).map((p) => <li key={p}>{p}</li>)}
                {Object.entries(problems!.steps).flatMap(([i, list]) => list.map((p) => (
                  <li key={p}><a href={`#step-${Number(i) + 1}`} className="underline underline-offset-2">{p}</a></li>
                )))}
              </ul>
            </div>
          ) : null}

          <section aria-labelledby={`${id}-about`} className="space-y-4 rounded-xl border border-line bg-surface p-5">
            <h2 id={`${id}-about`} className="text-lg font-semibold">About</h2>
            <TextField label="Name" {...form.register('name')} defaultValue={initial.name} maxLength={120} autoComplete="off" error={errorFor('name')} className="max-w-xl" />
            <div className="max-w-xl">
              <label htmlFor={`${id}-description`} className="block text-sm font-medium">Description (optional)</label>
              <p id={`${id}-description-hint`} className="mt-0.5 text-sm text-fg-muted">For the clinic’s staff: what it is for.</p>
              <textarea id={`${id}-description`} {...form.register('description')} defaultValue={initial.description} rows={2} maxLength={500} className={textareaClass}
                aria-invalid={descriptionError ? true : undefined} aria-describedby={descriptionError ? `${id}-description-hint ${id}-description-error` : `${id}-description-hint`} />
              <FieldMessage id={`${id}-description-error`} error={descriptionError} />
            </div>
          </section>

          <section aria-labelledby={`${id}-when`} className="space-y-4 rounded-xl border border-line bg-surface p-5">
            <div>
              <h2 id={`${id}-when`} className="text-lg font-semibold">When it runs</h2>
              <p className="mt-1 text-sm text-fg-muted">Each event starts one run for each patient it is about. A run never starts twice for the same event.</p>
            </div>
            <div className="flex flex-wrap items-end gap-2">
              <SelectField label="Trigger" {...form.register('trigger')} defaultValue={initial.trigger} error={errorFor('trigger')} className="min-w-72">
                <option value="">Choose what starts it</option>
                {TRIGGER_GROUPS.map((g) => (
                  <optgroup key={g.label} label={g.label}>
                    {g.triggers.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
                  </optgroup>
                ))}
              </SelectField>
              {!live ? <button type="submit" name="intent" value="refresh" className={smallButton}>Show the choices for this trigger</button> : null}
            </div>
            <div className="space-y-3">
              <h3 className="font-semibold">Only when (optional)</h3>
              <p className="text-sm text-fg-muted">Conditions checked when the event happens; every one must hold for the run to start.</p>
              <ConditionList name="filter" addField={ADD_FIELDS.filter} addIntent="add-filter" removeIntent={intents.removeFilter} onChange={notify}
                problems={problems?.filter}
                words={{ legend: (n) => `Filter condition ${n}`, add: 'Add filter condition', remove: (n) => `Remove filter condition ${n}`, menu: 'New filter condition' }} />
            </div>
          </section>

          <section aria-labelledby={`${id}-steps`} className="space-y-4 rounded-xl border border-line bg-surface p-5">
            <div>
              <h2 id={`${id}-steps`} className="text-lg font-semibold">Steps</h2>
              <p className="mt-1 text-sm text-fg-muted">Done in order. A wait is kept in the database, so it survives restarts.</p>
            </div>
            <StepList problems={problems} showProblems={fresh} notify={notify} webhookSecret={webhookSecret} />
          </section>

          <div className="space-y-3">
            <p role="status" className="sr-only">{notice}</p>
            {problemCount === 0 && fresh ? <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} /> : null}
            <p className="text-sm text-fg-muted">
              Saving changes the automation for runs that start afterwards; runs already under way finish with the version they started with.
            </p>
            <div className="flex flex-wrap gap-3">
              <PrimaryButton type="submit" name="intent" value="save" disabled={pending}>{pending ? 'Working…' : 'Save automation'}</PrimaryButton>
              <SecondaryButton type="submit" name="intent" value="dry-run" disabled={pending}>Try it on the last 20 events</SecondaryButton>
            </div>
          </div>
        </form>
      </FormProvider>
      {state.dryRun && fresh ? <DryRunResults view={state.dryRun} headingRef={results} /> : null}
    </BuilderContext.Provider>
  );
}
