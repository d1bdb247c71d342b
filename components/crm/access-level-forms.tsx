'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import { accessLevelNameSchema } from '@/lib/access-levels/schemas';
import type { FormAction } from '@/lib/actions/result';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { NewNameForm, RenameRow } from './name-forms';

type Action = FormAction<SettingsActionState>;

export function CreateAccessLevelForm({ action }: { action: Action }) {
  return <NewNameForm schema={accessLevelNameSchema} action={action} submit="Create level" submitting="Creating…" />;
}

interface MatrixColumn {
  id: string;
  name: string;
  builtin: boolean;
  permissions: string[];
}

/**
 * Rows are permissions, columns are levels; only custom columns can be edited. A plain form:
 * once the save settles React resets the ticks to the saved permissions, and the confirmation
 * stays on screen (the page keys the matrix on the levels, not on their permissions).
 */
export function PermissionMatrixForm({ action, rows, columns }: { action: Action; rows: { key: string; label: string }[]; columns: MatrixColumn[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  const editable = columns.filter((c) => !c.builtin);
  return (
    <form action={formAction} className="space-y-3">
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

export function AccessLevelRow({ level, rename, remove }: { level: { id: string; name: string; members: number }; rename: Action; remove: Action }) {
  const [deleteState, deleteAction, deletePending] = useActionState(remove, {});
  return (
    <RenameRow schema={accessLevelNameSchema} rename={rename} idField="levelId" id={level.id} name={level.name} otherState={deleteState} buttonClass={buttonClass}>
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
    </RenameRow>
  );
}
