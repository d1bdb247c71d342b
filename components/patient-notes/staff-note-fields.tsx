'use client';

import { useId } from 'react';
import type { UseFormRegister } from 'react-hook-form';
import { TextField } from '@/components/ui/form-controls';
import { NOTE_BODY_MAX, NOTE_TITLE_MAX, type StaffNoteVisibility } from '@/lib/patient-notes/note-rules';
import type { StaffNoteInput } from '@/lib/patient-notes/staff-note-forms';

const VISIBILITY: [StaffNoteVisibility, string, string][] = [
  ['internal', 'Internal', 'Staff of the clinic only.'],
  ['shared', 'Shared with the patient', 'Also shown in the patient portal, read-only, to everyone who acts for the patient.'],
];

/** A staff note's fields (title, text, who can read it), for the add and edit forms. */
export function StaffNoteFields({
  register, errorFor, values,
}: {
  register: UseFormRegister<StaffNoteInput>;
  errorFor: (name: string) => string | undefined;
  values?: { title: string; body: string; visibility: StaffNoteVisibility };
}) {
  const id = useId();
  const bodyError = errorFor('body');
  const visibilityError = errorFor('visibility');
  return (
    <>
      <TextField label="Title" {...register('title')} defaultValue={values?.title} maxLength={NOTE_TITLE_MAX} autoComplete="off" error={errorFor('title')} />
      <div>
        <label htmlFor={`${id}-body`} className="block text-sm font-medium">Note</label>
        <textarea
          id={`${id}-body`}
          {...register('body')}
          defaultValue={values?.body}
          rows={6}
          maxLength={NOTE_BODY_MAX}
          aria-invalid={bodyError ? true : undefined}
          aria-describedby={bodyError ? `${id}-body-error` : undefined}
          className="mt-1 control"
        />
        {bodyError ? <p id={`${id}-body-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{bodyError}</p> : null}
      </div>
      <fieldset aria-describedby={visibilityError ? `${id}-visibility-error` : undefined}>
        <legend className="text-sm font-medium">Who can read it</legend>
        <div className="mt-2 space-y-2 text-sm">
          {VISIBILITY.map(([value, label, hint]) => (
            <div key={value} className="flex items-start gap-2">
              <input
                type="radio"
                id={`${id}-${value}`}
                value={value}
                {...register('visibility')}
                defaultChecked={(values?.visibility ?? 'internal') === value}
                aria-describedby={`${id}-${value}-hint`}
                className="mt-1"
              />
              <div>
                <label htmlFor={`${id}-${value}`} className="font-medium">{label}</label>
                <p id={`${id}-${value}-hint`} className="text-fg-muted">{hint}</p>
              </div>
            </div>
          ))}
        </div>
        {visibilityError ? <p id={`${id}-visibility-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{visibilityError}</p> : null}
      </fieldset>
    </>
  );
}
