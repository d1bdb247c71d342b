'use client';

import { useActionState } from 'react';
import type { FormAction } from '@/lib/actions/result';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { documentTypeNameSchema } from '@/lib/settings/schemas';
import { NewNameForm, RenameRow } from './name-forms';

type Action = FormAction<SettingsActionState>;

export function AddDocumentTypeForm({ action }: { action: Action }) {
  return <NewNameForm schema={documentTypeNameSchema} action={action} submit="Add type" submitting="Adding…" />;
}

const buttonClass = 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted';

export function DocumentTypeRow({ type, rename, toggle }: { type: { id: string; name: string; hiddenFromPortal: boolean; active: boolean }; rename: Action; toggle: Action }) {
  const [toggleState, toggleAction, togglePending] = useActionState(toggle, {});
  return (
    <RenameRow schema={documentTypeNameSchema} rename={rename} idField="typeId" id={type.id} name={type.name} otherState={toggleState} buttonClass={buttonClass}>
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
    </RenameRow>
  );
}
