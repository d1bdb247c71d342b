'use client';

import { useId } from 'react';
import { FormMessage, TextField } from '@/components/ui/form-controls';
import { SubmitBesideFields } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import type { z } from '@/lib/validation/zod';
import { FieldError } from './settings-fields';

/** A schema whose form has one field, `name` (an access level's, a document type's). */
type NameSchema = z.ZodType<{ name: string }, { name: unknown }>;

/** Creates a named thing: one Name field and its button, the message under both. */
export function NewNameForm<S extends ActionState>({ schema, action, submit, submitting }: { schema: NameSchema; action: FormAction<S>; submit: string; submitting: string }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(schema, action);
  return (
    <form {...formProps} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
      <TextField {...form.register('name')} label="Name" defaultValue={state.ok ? '' : state.values?.name} maxLength={60} required autoComplete="off" error={errorFor('name')} />
      <SubmitBesideFields state={state} pending={pending} label={submit} pendingLabel={submitting} answerClassName="sm:col-span-2" />
    </form>
  );
}

/**
 * A list row's inline rename form, followed by the row's other one-button forms (`children`).
 * One message shows under them: the other forms' answer (`otherState`) if they gave one, else the
 * rename's unless it has field errors (those show beside the name).
 */
export function RenameRow<S extends ActionState>({
  schema, rename, idField, id: rowId, name, otherState, buttonClass, children,
}: {
  schema: NameSchema;
  rename: FormAction<S>;
  /** The hidden field that names the row for the action (levelId, typeId). */
  idField: string;
  id: string;
  name: string;
  otherState: ActionState;
  buttonClass: string;
  children: React.ReactNode;
}) {
  const { form, state: renameState, pending: renamePending, formProps, errorFor } = useActionForm(schema, rename);
  const id = useId();
  const nameError = errorFor('name');
  const message = otherState.message ? otherState : renameState.fieldErrors ? {} : renameState;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-start gap-2">
        <form {...formProps} className="flex flex-wrap items-start gap-2">
          <input type="hidden" name={idField} value={rowId} />
          <label htmlFor={`${id}-name`} className="sr-only">Name of {name}</label>
          <div>
            <input
              {...form.register('name')}
              id={`${id}-name`}
              defaultValue={renameState.values?.name ?? name}
              maxLength={60}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? `${id}-error` : undefined}
              className="w-56 rounded-md border border-line bg-surface px-2 py-1.5 text-sm aria-invalid:border-red-600"
            />
            <FieldError id={`${id}-error`} error={nameError} />
          </div>
          <button type="submit" disabled={renamePending} className={buttonClass}>Rename</button>
        </form>
        {children}
      </div>
      {message.message ? <FormMessage message={message.message} tone={message.ok ? 'info' : 'error'} /> : null}
    </div>
  );
}
