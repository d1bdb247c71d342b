'use client';

import { useId, useState } from 'react';
import type { UseFormRegister } from 'react-hook-form';
import { TextField } from '@/components/ui/form-controls';
import type { DocumentFieldErrors, DocumentMetadataFields } from '@/lib/documents/upload-rules';

export interface DocumentTypeOption {
  id: string;
  name: string;
  hiddenFromPortal: boolean;
}

export interface DocumentFieldValues {
  typeId?: string;
  title?: string;
  examinationDate?: string;
  visibleToPatient?: boolean;
  hiddenFromProxies?: boolean;
}

/** The metadata fields' messages, from the form's `errorFor` (the browser's check, else the server's). */
export function documentFieldErrors(errorFor: (name: string) => string | undefined): DocumentFieldErrors {
  return {
    typeId: errorFor('typeId'),
    title: errorFor('title'),
    examinationDate: errorFor('examinationDate'),
    visibleToPatient: errorFor('visibleToPatient'),
    sendNotification: errorFor('sendNotification'),
    hiddenFromProxies: errorFor('hiddenFromProxies'),
    file: errorFor('file'),
  };
}

function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? <p id={id} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null;
}

/**
 * Type, title, examination date, "Visible to patient", "Send notification" and "Hide from
 * family and caregivers", shared by the upload and edit forms. "Send notification" only applies
 * to a visible document, so it is disabled while the document is hidden.
 */
export function DocumentFields({
  types,
  register,
  errors = {},
  values = {},
  notificationLabel = 'Send notification',
  notificationHint = 'Email (and SMS if the patient chose it) saying a new document is available. No health details are sent.',
}: {
  types: DocumentTypeOption[];
  register: UseFormRegister<DocumentMetadataFields>;
  errors?: DocumentFieldErrors;
  values?: DocumentFieldValues;
  notificationLabel?: string;
  notificationHint?: string;
}) {
  const id = useId();
  const [visible, setVisible] = useState(values.visibleToPatient ?? false);
  const today = new Date().toISOString().slice(0, 10);
  const selected = types.find((t) => t.id === values.typeId);
  return (
    <>
      <div>
        <label htmlFor={`${id}-type`} className="block text-sm font-medium">Type</label>
        <select
          id={`${id}-type`}
          {...register('typeId')}
          required
          defaultValue={values.typeId ?? ''}
          aria-invalid={errors.typeId ? true : undefined}
          aria-describedby={errors.typeId ? `${id}-type-error` : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 aria-invalid:border-red-600"
        >
          <option value="" disabled>Choose a type</option>
          {values.typeId && !selected ? <option value={values.typeId} disabled>(inactive type)</option> : null}
          {types.map((t) => (
            <option key={t.id} value={t.id}>{t.name}{t.hiddenFromPortal ? ' (not shown in the portal)' : ''}</option>
          ))}
        </select>
        <FieldError id={`${id}-type-error`} error={errors.typeId} />
      </div>
      <TextField label="Title" {...register('title')} required maxLength={200} defaultValue={values.title ?? ''} error={errors.title} />
      <TextField
        label="Examination date"
        {...register('examinationDate')}
        type="date"
        required
        max={today}
        defaultValue={values.examinationDate ?? ''}
        error={errors.examinationDate}
      />
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">Patient portal</legend>
        <div className="flex gap-3">
          <input
            id={`${id}-visible`}
            type="checkbox"
            {...register('visibleToPatient', { onChange: (e: React.ChangeEvent<HTMLInputElement>) => setVisible(e.target.checked) })}
            checked={visible}
            className="mt-1 size-4 shrink-0 accent-brand-accent"
          />
          <label htmlFor={`${id}-visible`} className="font-medium">Visible to patient</label>
        </div>
        <div className="flex gap-3">
          <input
            id={`${id}-notify`}
            type="checkbox"
            {...register('sendNotification', { disabled: !visible })}
            defaultChecked={false}
            aria-describedby={`${id}-notify-hint`}
            className="mt-1 size-4 shrink-0 accent-brand-accent"
          />
          <div>
            <label htmlFor={`${id}-notify`} className="font-medium">{notificationLabel}</label>
            <p id={`${id}-notify-hint`} className="text-sm text-fg-muted">
              {visible ? notificationHint : 'Available when the document is visible to the patient.'}
            </p>
          </div>
        </div>
        <div className="flex gap-3">
          <input
            id={`${id}-proxies`}
            type="checkbox"
            {...register('hiddenFromProxies')}
            defaultChecked={values.hiddenFromProxies ?? false}
            aria-describedby={`${id}-proxies-hint`}
            className="mt-1 size-4 shrink-0 accent-brand-accent"
          />
          <div>
            <label htmlFor={`${id}-proxies`} className="font-medium">Hide from family and caregivers</label>
            <p id={`${id}-proxies-hint`} className="text-sm text-fg-muted">
              Only the patient’s own portal account sees it, never a parent, guardian or caregiver acting for them.
            </p>
          </div>
        </div>
      </fieldset>
    </>
  );
}
