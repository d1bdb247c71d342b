'use client';

import { useId } from 'react';
import { FormMessage, PrimaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { NOTE_BODY_MAX, NOTE_TITLE_MAX, type PatientNoteVisibility } from '@/lib/patient-notes/note-rules';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadNewSchema = () => import('@/lib/patient-notes/portal-note-forms').then((m) => m.portalNoteSchema);
const loadEditSchema = () => import('@/lib/patient-notes/portal-note-forms').then((m) => m.editPortalNoteSchema);

/** The page's words; `errors` are the schema's message keys in the page's language. */
export interface PortalNoteFormText {
  titleLabel: string;
  bodyLabel: string;
  bodyHint: string;
  visibilityLabel: string;
  visibilityHint: string;
  visibilityOptionPrivate: string;
  visibilityOptionShared: string;
  submit: string;
  submitting: string;
  errors: Record<string, string>;
}

/**
 * "New note" and editing one's own note: a title, the text and who can read it. Without
 * JavaScript it posts to the action, which answers with the same messages; with it, each field
 * is checked as the person leaves it with the action's own schema.
 */
export function PortalNoteForm({
  action, text, noteId, initial, children,
}: {
  action: FormAction<ActionState>;
  text: PortalNoteFormText;
  /** Set when editing: the note's id, as a hidden field. */
  noteId?: string;
  initial?: { title: string; body: string; visibility: PatientNoteVisibility };
  /** A way back (a link), beside the button. */
  children?: React.ReactNode;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(noteId ? loadEditSchema : loadNewSchema, action, {
    initialState: { ok: false },
    resetAfterSubmit: false,
  });
  const id = useId();
  const values = state.values ?? initial ?? { title: '', body: '', visibility: 'private' };
  const errorText = (name: 'title' | 'body' | 'visibility') => {
    const raw = errorFor(name as Parameters<typeof errorFor>[0]);
    return raw ? (text.errors[raw] ?? raw) : undefined;
  };
  const bodyError = errorText('body');
  return (
    <form {...formProps} className="space-y-4">
      {noteId ? <input type="hidden" name="noteId" value={noteId} /> : null}
      <FormMessage message={state.message} />
      <TextField
        name="title" label={text.titleLabel} defaultValue={values.title ?? ''} required maxLength={NOTE_TITLE_MAX}
        autoComplete="off" error={errorText('title')}
      />
      <div>
        <label htmlFor={id} className="block text-sm font-medium">{text.bodyLabel}</label>
        <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{text.bodyHint}</p>
        <textarea
          id={id}
          name="body"
          rows={8}
          required
          maxLength={NOTE_BODY_MAX}
          defaultValue={values.body ?? ''}
          aria-invalid={bodyError ? true : undefined}
          aria-describedby={bodyError ? `${id}-hint ${id}-error` : `${id}-hint`}
          className="mt-1 control"
        />
        {bodyError ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{bodyError}</p> : null}
      </div>
      <SelectField
        name="visibility" label={text.visibilityLabel} hint={text.visibilityHint}
        defaultValue={values.visibility === 'shared' ? 'shared' : 'private'} error={errorText('visibility')}
      >
        <option value="private">{text.visibilityOptionPrivate}</option>
        <option value="shared">{text.visibilityOptionShared}</option>
      </SelectField>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? text.submitting : text.submit}
        </PrimaryButton>
        {children}
      </div>
    </form>
  );
}
