'use client';

import Link from 'next/link';
import { useActionState, useEffect, useId, useRef, useState } from 'react';
import { SelectField } from '@/components/ui/form-controls';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { FILE_INPUT_ACCEPT, formatBytes, isAllowedDocumentType, declaredTypeFor } from '@/lib/documents/file-rules';
import { translator, type Locale } from '@/lib/i18n/core';
import { uploads } from '@/lib/i18n/messages/uploads';
import { uploadPatientDocumentAction } from './actions';
import type { UploadFormState } from './form-state';

/**
 * Title, type and one file. The browser checks type and size only to save a round trip; the
 * server checks the bytes.
 */
export function PatientUploadForm({ locale, types, maxBytes }: { locale: Locale; types: { id: string; name: string }[]; maxBytes: number }) {
  const t = translator(uploads, locale);
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [state, action, pending] = useActionState<UploadFormState, FormData>(uploadPatientDocumentAction, {});
  const [fileError, setFileError] = useState<string | undefined>();
  useEffect(() => {
    if (state.ok) formRef.current?.reset();
  }, [state]);

  function checkFile(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    if (!file) return setFileError(undefined);
    if (!isAllowedDocumentType(declaredTypeFor(file))) return setFileError(t('errWrongType'));
    if (file.size > maxBytes) return setFileError(t('errTooLarge', { size: formatBytes(file.size), max: formatBytes(maxBytes) }));
    setFileError(undefined);
  }

  const fileProblem = fileError ?? state.fieldErrors?.file;
  const describedBy = [`${id}-file-hint`, fileProblem ? `${id}-file-error` : null].filter(Boolean).join(' ');
  return (
    <form ref={formRef} action={action} className="space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-6" noValidate>
      <FormMessage message={state.ok ? undefined : state.message} />
      {state.ok ? (
        <div className="space-y-2">
          <FormMessage tone="info" message={state.message} />
          <Link href="/portal/documents" className="text-sm link">
            {t('backToDocuments')}
          </Link>
        </div>
      ) : null}
      <TextField
        label={t('docTitle')}
        name="title"
        required
        maxLength={200}
        hint={t('docTitleHint')}
        defaultValue={state.ok ? '' : state.values?.title}
        error={state.fieldErrors?.title}
      />
      <SelectField label={t('docType')} name="typeId" required defaultValue={state.ok ? '' : state.values?.typeId ?? ''} error={state.fieldErrors?.typeId}>
        <option value="">{t('chooseType')}</option>
        {types.map((type) => (
          <option key={type.id} value={type.id}>
            {type.name}
          </option>
        ))}
      </SelectField>
      <div>
        <label htmlFor={`${id}-file`} className="block text-sm font-medium">
          {t('file')}
        </label>
        <p id={`${id}-file-hint`} className="mt-0.5 text-sm text-fg-muted">
          {t('fileHint', { size: formatBytes(maxBytes) })}
        </p>
        <input
          id={`${id}-file`}
          type="file"
          name="file"
          accept={FILE_INPUT_ACCEPT}
          required
          onChange={checkFile}
          aria-invalid={fileProblem ? true : undefined}
          aria-describedby={describedBy}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base text-fg file:mr-3 file:rounded-md file:border-0 file:bg-surface-muted file:px-3 file:py-1.5 file:font-medium focus:outline-none focus:ring-2 focus:ring-brand-accent"
        />
        {fileProblem ? (
          <p id={`${id}-file-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">
            {fileProblem}
          </p>
        ) : null}
      </div>
      <PrimaryButton type="submit" disabled={pending || Boolean(fileError)} className="w-full sm:w-auto">
        {pending ? t('uploading') : t('submit')}
      </PrimaryButton>
    </form>
  );
}
