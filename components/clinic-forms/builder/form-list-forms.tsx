'use client';

import { useActionState, useId } from 'react';
import { SelectField, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import { FormMessage } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { FORM_KIND_LABELS, formKinds } from '@/lib/clinic-forms/definition';

// The forms list's own forms: a new form, an import, archive/restore. Each posts without
// JavaScript; the server answers field errors in the same shape.


export function NewFormForm({ action }: { action: FormAction }) {
  const [state, formAction, pending] = useActionState(action, {} as ActionState);
  return (
    <form action={formAction} className="grid gap-4 sm:grid-cols-[12rem_1fr]">
      <SelectField label="Kind" name="kind" defaultValue={state.values?.kind ?? 'intake'} error={state.fieldErrors?.kind}>
        {formKinds.map((kind) => (
          <option key={kind} value={kind}>{FORM_KIND_LABELS[kind]}</option>
        ))}
      </SelectField>
      <TextField label="Title" name="title" required maxLength={200} defaultValue={state.values?.title ?? ''} error={state.fieldErrors?.title} hint="Patients see it, so keep it plain, e.g. “New patient intake”." />
      <SubmitBelowAnswer state={state} pending={pending} label="Create and open the builder" pendingLabel="Creating…" className="sm:col-span-2" />
    </form>
  );
}

export function ImportFormForm({ action }: { action: FormAction }) {
  const [state, formAction, pending] = useActionState(action, {} as ActionState);
  const id = useId();
  const fileError = state.fieldErrors?.file;
  return (
    <form action={formAction} className="space-y-4">
      <div>
        <label htmlFor={`${id}-file`} className="block text-sm font-medium">FHIR Questionnaire file (.json)</label>
        <input
          id={`${id}-file`}
          type="file"
          name="file"
          accept="application/json,application/fhir+json,.json"
          aria-describedby={fileError ? `${id}-file-error` : undefined}
          aria-invalid={fileError ? true : undefined}
          className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-line file:bg-surface file:px-3 file:py-2"
        />
        {fileError ? <p id={`${id}-file-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{fileError}</p> : null}
      </div>
      <div>
        <label htmlFor={`${id}-json`} className="block text-sm font-medium">Or paste the JSON</label>
        <textarea
          id={`${id}-json`}
          name="json"
          rows={5}
          spellCheck={false}
          aria-invalid={state.fieldErrors?.json ? true : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 font-mono text-sm"
        />
        {state.fieldErrors?.json ? <p className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{state.fieldErrors.json}</p> : null}
      </div>
      <SubmitBelowAnswer state={state} pending={pending} label="Import as a new draft" pendingLabel="Importing…" />
    </form>
  );
}

/** Archive or restore one form, with the answer beside the button. */
export function ArchiveFormButton({ action, templateId, title, archived }: { action: FormAction; templateId: string; title: string; archived: boolean }) {
  const [state, formAction, pending] = useActionState(action, {} as ActionState);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="templateId" value={templateId} />
      <input type="hidden" name="archived" value={archived ? 'false' : 'true'} />
      <button type="submit" disabled={pending} aria-label={`${archived ? 'Restore' : 'Archive'} ${title}`} className="rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted">
        {archived ? 'Restore' : 'Archive'}
      </button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
