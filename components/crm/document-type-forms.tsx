'use client';

import { useActionState } from 'react';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { translationValues, type ClinicTranslations } from '@/lib/i18n/clinic-text';
import type { Locale } from '@/lib/i18n/core';
import type { SettingsActionState } from '@/lib/settings/action-state';
import { DOCUMENT_TYPE_TRANSLATED_FIELDS, documentTypeNameSchema, documentTypeSchema, documentTypeTranslationsSchema } from '@/lib/settings/schemas';
import { RenameRow } from './name-forms';
import { TranslationFields, type TranslatedField } from './translation-fields';

type Action = FormAction<SettingsActionState>;

const TRANSLATED: readonly TranslatedField[] = [{ field: 'name', label: 'Name', max: 60 }];

/** A new type: its name and, per portal language other than the clinic's default, the name in it (optional). */
export function AddDocumentTypeForm({ action, languages }: { action: Action; languages: readonly Locale[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(documentTypeSchema, action);
  const posted = state.ok ? undefined : state.values;
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      <TextField {...form.register('name')} className="sm:col-span-2" label="Name" defaultValue={posted?.name ?? ''} maxLength={60} required autoComplete="off" error={errorFor('name')} />
      <TranslationFields className="sm:col-span-2" languages={languages} fields={TRANSLATED} saved={{}} posted={posted} register={(name) => form.register(name as never)} errorFor={errorFor} />
      <SubmitBelowAnswer state={state} pending={pending} label="Add type" pendingLabel="Adding…" className="sm:col-span-2" />
    </form>
  );
}

/** A type's name in the portal's other languages, in the row's "Translations" disclosure. */
export function DocumentTypeTranslationsForm({ action, type, languages }: { action: Action; type: { id: string; translations: ClinicTranslations<'name'> }; languages: readonly Locale[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(documentTypeTranslationsSchema, action);
  return (
    <form {...formProps} className="grid gap-4">
      <input type="hidden" name="typeId" value={type.id} />
      <TranslationFields
        languages={languages}
        fields={TRANSLATED}
        saved={translationValues(type.translations, DOCUMENT_TYPE_TRANSLATED_FIELDS)}
        posted={state.values}
        register={(name) => form.register(name as never)}
        errorFor={errorFor}
      />
      <SubmitBelowAnswer state={state} pending={pending} label="Save translations" pendingLabel="Saving…" />
    </form>
  );
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
