'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { DocumentFormState } from '@/lib/documents/form-state';
import { documentMetadataSchema } from '@/lib/documents/upload-rules';
import { useActionForm } from '@/lib/forms/use-action-form';
import { documentFieldErrors, DocumentFields, type DocumentFieldValues, type DocumentTypeOption } from './document-fields';

const summaryStyle =
  'inline-flex min-h-11 cursor-pointer list-none items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent [&::-webkit-details-marker]:hidden';

/** Edit and delete for one document, as disclosures so the table stays readable. */
export function DocumentRowActions({
  patientId,
  documentId,
  title,
  types,
  values,
  actions,
}: {
  patientId: string;
  documentId: string;
  title: string;
  types: DocumentTypeOption[];
  values: DocumentFieldValues;
  actions: { update: FormAction<DocumentFormState>; remove: FormAction<DocumentFormState> };
}) {
  const edit = useActionForm(documentMetadataSchema, actions.update);
  const editState = edit.state;
  const [deleteState, deleteAction, deleting] = useActionState<DocumentFormState, FormData>(actions.remove, {});
  return (
    <div className="flex flex-wrap items-start gap-2">
      <details className="group">
        <summary className={summaryStyle} aria-label={`Edit “${title}”`}>Edit</summary>
        <form {...edit.formProps} className="mt-2 w-80 max-w-full space-y-3 rounded-lg border border-line bg-surface p-3">
          <input type="hidden" name="patientId" value={patientId} />
          <input type="hidden" name="documentId" value={documentId} />
          <DocumentFields
            types={types}
            register={edit.form.register}
            values={values}
            errors={documentFieldErrors(edit.errorFor)}
            notificationLabel="Notify the patient now"
            notificationHint="Only when this change makes the document visible. No health details are sent."
          />
          <PrimaryButton type="submit" disabled={edit.pending}>{edit.pending ? 'Saving…' : 'Save changes'}</PrimaryButton>
          <FormMessage message={editState.message} tone={editState.ok ? 'info' : 'error'} />
        </form>
      </details>
      <details>
        <summary className={summaryStyle} aria-label={`Delete “${title}”`}>Delete</summary>
        <form action={deleteAction} className="mt-2 w-64 max-w-full space-y-2 rounded-lg border border-line bg-surface p-3">
          <input type="hidden" name="patientId" value={patientId} />
          <input type="hidden" name="documentId" value={documentId} />
          <p className="text-sm">The document disappears from the chart and the patient portal. The deletion is recorded.</p>
          <SecondaryButton type="submit" disabled={deleting} className="border-red-600 text-red-800 dark:text-red-300">
            {deleting ? 'Deleting…' : 'Delete this document'}
          </SecondaryButton>
          <FormMessage message={deleteState.message} tone={deleteState.ok ? 'info' : 'error'} />
        </form>
      </details>
    </div>
  );
}
