'use client';

import { useActionState, useId } from 'react';
import {
  createAccessLevelAction,
  deleteAccessLevelAction,
  renameAccessLevelAction,
  savePermissionMatrixAction,
} from '@/app/t/[tenant]/crm/(app)/access-levels/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { FieldError } from './settings-fields';

export function CreateAccessLevelForm() {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(createAccessLevelAction, {});
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end" noValidate>
      <TextField label="Name" name="name" defaultValue={state.ok ? '' : state.values?.name} maxLength={60} required autoComplete="off" error={state.fieldErrors?.name} />
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Creating…' : 'Create level'}</PrimaryButton>
      <div className="sm:col-span-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </div>
    </form>
  );
}

interface MatrixColumn {
  id: string;
  name: string;
  builtin: boolean;
  permissions: string[];
}

/** Rows are permissions, columns are levels; only custom columns can be edited. */
export function PermissionMatrixForm({ rows, columns }: { rows: { key: string; label: string }[]; columns: MatrixColumn[] }) {
  const [state, action, pending] = useActionState<SettingsActionState, FormData>(savePermissionMatrixAction, {});
  const editable = columns.filter((c) => !c.builtin);
  return (
    <form action={action} className="space-y-3">
      {editable.map((c) => (
        <input key={c.id} type="hidden" name="level" value={c.id} />
      ))}
      <div className="overflow-x-auto rounded-lg border border-line">
        <table className="w-full text-sm">
          <caption className="sr-only">Permissions by access level</caption>
          <thead className="bg-surface-muted">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-medium">Permission</th>
              {columns.map((c) => (
                <th key={c.id} scope="col" className="px-3 py-2 text-center font-medium">
                  {c.name}
                  {c.builtin ? <span className="block text-xs font-normal text-fg-muted">built-in</span> : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row" className="px-3 py-2 text-left font-normal">
                  {r.label}
                  <span className="block font-mono text-xs text-fg-muted">{r.key}</span>
                </th>
                {columns.map((c) => (
                  <td key={c.id} className="px-3 py-2 text-center">
                    <input
                      type="checkbox"
                      name={c.builtin ? undefined : `p:${c.id}`}
                      value={r.key}
                      defaultChecked={c.permissions.includes(r.key)}
                      disabled={c.builtin}
                      aria-label={`${c.name}: ${r.label}`}
                      className="size-4 accent-brand-accent disabled:opacity-60"
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editable.length === 0 ? (
        <p className="text-sm text-fg-muted">There are no custom levels yet: create one above to edit its permissions.</p>
      ) : (
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Save permissions'}</PrimaryButton>
      )}
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

const buttonClass = 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted disabled:opacity-60';

export function AccessLevelRow({ level }: { level: { id: string; name: string; members: number } }) {
  const [renameState, renameAction, renamePending] = useActionState<SettingsActionState, FormData>(renameAccessLevelAction, {});
  const [deleteState, deleteAction, deletePending] = useActionState<SettingsActionState, FormData>(deleteAccessLevelAction, {});
  const id = useId();
  const message = deleteState.message ? deleteState : renameState.fieldErrors ? {} : renameState;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-start gap-2">
        <form action={renameAction} className="flex flex-wrap items-start gap-2" noValidate>
          <input type="hidden" name="levelId" value={level.id} />
          <label htmlFor={`${id}-name`} className="sr-only">Name of {level.name}</label>
          <div>
            <input
              id={`${id}-name`}
              name="name"
              defaultValue={renameState.values?.name ?? level.name}
              maxLength={60}
              aria-invalid={renameState.fieldErrors?.name ? true : undefined}
              aria-describedby={renameState.fieldErrors?.name ? `${id}-error` : undefined}
              className="w-56 rounded-md border border-line bg-surface px-2 py-1.5 text-sm aria-invalid:border-red-600"
            />
            <FieldError id={`${id}-error`} error={renameState.fieldErrors?.name} />
          </div>
          <button type="submit" disabled={renamePending} className={buttonClass}>Rename</button>
        </form>
        <form action={deleteAction}>
          <input type="hidden" name="levelId" value={level.id} />
          <button
            type="submit"
            disabled={deletePending}
            aria-label={`Delete ${level.name}`}
            title={level.members > 0 ? 'Move its users to another level first' : undefined}
            className="rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60 dark:text-red-300"
          >
            Delete
          </button>
        </form>
      </div>
      {message.message ? <FormMessage message={message.message} tone={message.ok ? 'info' : 'error'} /> : null}
    </div>
  );
}
