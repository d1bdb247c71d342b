'use client';

import { useActionState, useId } from 'react';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { documentTypeNameSchema } from '@/lib/settings/schemas';
import { FieldError } from './settings-fields';

type Action = FormAction<SettingsActionState>;

export function AddDocumentTypeForm({ action }: { action: Action }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(documentTypeNameSchema, action);
  return (
    <form {...formProps} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
      <TextField {...form.register('name')} label="Name" defaultValue={state.ok ? '' : state.values?.name} maxLength={60} required autoComplete="off" error={errorFor('name')} />
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Adding…' : 'Add type'}</PrimaryButton>
      <div className="sm:col-span-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </div>
    </form>
  );
}

const buttonClass = 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted';

export function DocumentTypeRow({ type, rename, toggle }: { type: { id: string; name: string; hiddenFromPortal: boolean; active: boolean }; rename: Action; toggle: Action }) {
  const { form, state: renameState, pending: renamePending, formProps, errorFor } = useActionForm(documentTypeNameSchema, rename);
  const [toggleState, toggleAction, togglePending] = useActionState(toggle, {});
  const id = useId();
  const nameError = errorFor('name');
  const message = toggleState.message ? toggleState : renameState.fieldErrors ? {} : renameState;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-start gap-2">
        <form {...formProps} className="flex flex-wrap items-start gap-2">
          <input type="hidden" name="typeId" value={type.id} />
          <label htmlFor={`${id}-name`} className="sr-only">Name of {type.name}</label>
          <div>
            <input
              {...form.register('name')}
              id={`${id}-name`}
              defaultValue={renameState.values?.name ?? type.name}
              maxLength={60}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? `${id}-error` : undefined}
              className="w-56 rounded-md border border-line bg-surface px-2 py-1.5 text-sm aria-invalid:border-red-600"
            />
            <FieldError id={`${id}-error`} error={nameError} />
          </div>
          <button type="submit" disabled={renamePending} className={buttonClass}>Rename</button>
        </form>
        <form action={toggleAction}>
          <input type="hidden" name="typeId" value={type.id} />
          <input type="hidden" name="field" value="hiddenFromPortal" />
          <input type="hidden" name="value" value={type.hiddenFromPortal ? 'false' : 'true'} />
          <button type="submit" disabled={togglePending} aria-label={`${type.hiddenFromPortal ? 'Show' : 'Hide'} ${type.name} ${type.hiddenFromPortal ? 'in' : 'from'} the patient portal`} className={buttonClass}>
            {type.hiddenFromPortal ? 'Show in portal' : 'Hide from portal'}
          </button>
        </form>
        <form action={toggleAction}>
          <input type="hidden" name="typeId" value={type.id} />
          <input type="hidden" name="field" value="active" />
          <input type="hidden" name="value" value={type.active ? 'false' : 'true'} />
          <button
            type="submit"
            disabled={togglePending}
            aria-label={`${type.active ? 'Deactivate' : 'Reactivate'} ${type.name}`}
            className={type.active ? 'rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 dark:text-red-300' : buttonClass}
          >
            {type.active ? 'Deactivate' : 'Reactivate'}
          </button>
        </form>
      </div>
      {message.message ? <FormMessage message={message.message} tone={message.ok ? 'info' : 'error'} /> : null}
    </div>
  );
}
