'use client';

import { useActionState } from 'react';
import { FormMessage, SecondaryButton } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import type { StaffNoteVisibility } from '@/lib/patient-notes/note-rules';
import { staffNoteInputSchema } from '@/lib/patient-notes/staff-note-forms';
import { StaffNoteFields } from './staff-note-fields';

/** "Add a note" on the chart's Notes tab. */
export function AddStaffNoteForm({ patientId, action }: { patientId: string; action: FormAction<ActionState> }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(staffNoteInputSchema, action, { defaultValues: { visibility: 'internal' } });
  return (
    <form {...formProps} className="space-y-4">
      <input type="hidden" name="patientId" value={patientId} />
      <StaffNoteFields register={form.register} errorFor={errorFor} />
      <SubmitBelowAnswer state={state} pending={pending} label="Add note" pendingLabel="Adding…" />
    </form>
  );
}

const summaryStyle =
  'inline-flex min-h-11 cursor-pointer list-none items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent [&::-webkit-details-marker]:hidden';

/** Edit and delete for the author's own note, as disclosures under it. */
export function StaffNoteRowActions({
  patientId, noteId, values, actions,
}: {
  patientId: string;
  noteId: string;
  values: { title: string; body: string; visibility: StaffNoteVisibility };
  actions: { update: FormAction<ActionState>; remove: FormAction<ActionState> };
}) {
  const edit = useActionForm(staffNoteInputSchema, actions.update, { defaultValues: values, resetAfterSubmit: false });
  const [deleteState, deleteAction, deleting] = useActionState<ActionState, FormData>(actions.remove, {});
  return (
    <div className="mt-3 flex flex-wrap items-start gap-2">
      <details>
        <summary className={summaryStyle} aria-label={`Edit “${values.title}”`}>Edit</summary>
        <form {...edit.formProps} className="mt-2 w-[36rem] max-w-full space-y-3 rounded-lg border border-line bg-surface p-3">
          <input type="hidden" name="patientId" value={patientId} />
          <input type="hidden" name="noteId" value={noteId} />
          <StaffNoteFields register={edit.form.register} errorFor={edit.errorFor} values={values} />
          <SubmitBelowAnswer state={edit.state} pending={edit.pending} label="Save changes" pendingLabel="Saving…" />
        </form>
      </details>
      <details>
        <summary className={summaryStyle} aria-label={`Delete “${values.title}”`}>Delete</summary>
        <form action={deleteAction} className="mt-2 w-64 max-w-full space-y-2 rounded-lg border border-line bg-surface p-3">
          <input type="hidden" name="patientId" value={patientId} />
          <input type="hidden" name="noteId" value={noteId} />
          <p className="text-sm">The note disappears from the chart and, if shared, from the patient portal. The deletion is recorded.</p>
          <SecondaryButton type="submit" disabled={deleting} className="border-red-600 text-red-800 dark:text-red-300">
            {deleting ? 'Deleting…' : 'Delete this note'}
          </SecondaryButton>
          <FormMessage message={deleteState.message} tone={deleteState.ok ? 'info' : 'error'} />
        </form>
      </details>
    </div>
  );
}
