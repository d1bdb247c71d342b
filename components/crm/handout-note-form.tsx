'use client';

import { useId } from 'react';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { HANDOUT_NOTE_MAX, handoutNoteSchema } from '@/lib/handout/schemas';
import type { SettingsActionState } from '@/lib/settings/action-state';

/** The clinic's own paragraph on the handout: one text, printed as written in every language. */
export function HandoutNoteForm({ action, initial }: { action: FormAction<SettingsActionState>; initial: string | null }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(handoutNoteSchema, action, { defaultValues: { note: initial ?? '' } });
  const id = useId();
  const error = errorFor('note');
  // After a refusal the field keeps what was posted; after a save, the saved text.
  const value = state.ok === false ? (state.values?.note ?? initial ?? '') : (initial ?? '');
  return (
    <form {...formProps} className="space-y-4">
      <div>
        <label htmlFor={id} className="block text-sm font-medium">Paragraph</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">
          Printed under “A note from the clinic”, exactly as written, whichever language the handout is in — for example your opening
          hours or who to call. A blank line starts a new paragraph. Leave it empty to leave the section out. Up to {HANDOUT_NOTE_MAX} characters;
          no patient information.
        </p>
        <textarea
          id={id}
          {...form.register('note')}
          defaultValue={value}
          rows={6}
          maxLength={HANDOUT_NOTE_MAX}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
          className="mt-1 control"
        />
        {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      </div>
      <SubmitBelowAnswer state={state} pending={pending} label="Save paragraph" pendingLabel="Saving…" />
    </form>
  );
}
