'use client';

import { useActionState, useId } from 'react';
import {
  addDocumentTypeAction,
  renameDocumentTypeAction,
  toggleDocumentTypeAction,
} from '@/app/t/[tenant]/crm/(app)/document-types/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { FieldError } from './settings-fields';

export function AddDocumentTypeForm() {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(addDocumentTypeAction, {});
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end" noValidate>
      <TextField label="Name" name="name" defaultValue={state.ok ? '' : state.values?.name} maxLength={60} required autoComplete="off" error={state.fieldErrors?.name} />
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Adding…' : 'Add type'}</PrimaryButton>
      <div className="sm:col-span-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </div>
    </form>
  );
}

const buttonClass = 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted';

export function DocumentTypeRow({ type }: { type: { id: string; name: string; hiddenFromPortal: boolean; active: boolean } }) {
  const [renameState, renameAction, renamePending] = useActionState<SettingsActionState, FormData>(renameDocumentTypeAction, {});
  const [toggleState, toggleAction, togglePending] = useActionState<SettingsActionState, FormData>(toggleDocumentTypeAction, {});
  const id = useId();
  const message = toggleState.message ? toggleState : renameState.fieldErrors ? {} : renameState;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-start gap-2">
        <form action={renameAction} className="flex flex-wrap items-start gap-2" noValidate>
          <input type="hidden" name="typeId" value={type.id} />
          <label htmlFor={`${id}-name`} className="sr-only">Name of {type.name}</label>
          <div>
            <input
              id={`${id}-name`}
              name="name"
              defaultValue={renameState.values?.name ?? type.name}
              maxLength={60}
              aria-invalid={renameState.fieldErrors?.name ? true : undefined}
              aria-describedby={renameState.fieldErrors?.name ? `${id}-error` : undefined}
              className="w-56 rounded-md border border-line bg-surface px-2 py-1.5 text-sm aria-invalid:border-red-600"
            />
            <FieldError id={`${id}-error`} error={renameState.fieldErrors?.name} />
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
