import * as z from 'zod/mini';
import { hasControlCharacters } from '@/lib/validation/text';
import { formSchema } from '@/lib/validation/zod-mini';
import { NOTE_BODY_MAX, NOTE_TITLE_MAX, PATIENT_NOTE_VISIBILITIES } from './note-rules';

/**
 * The portal's note forms, parsed by the server actions and (for the note form) checked in the
 * browser with the same schema once the page is interactive (lib/forms/use-lazy-action-form.ts).
 * Messages are keys of the notes catalogue (lib/i18n/messages/notes.ts), translated by the action
 * wrapper and the form. Which patient a note is about comes from the session, never a field.
 * Browser-safe.
 */

type Key = 'errTitleRequired' | 'errTitleTooLong' | 'errBodyRequired' | 'errBodyTooLong' | 'errControl';

const text = (required: Key, tooLong: Key, max: number) => z.string({ error: required }).check(
  z.refine((v) => !hasControlCharacters(v), 'errControl'),
  z.trim(),
  z.minLength(1, required),
  z.maxLength(max, tooLong),
);

const fields = {
  title: text('errTitleRequired', 'errTitleTooLong', NOTE_TITLE_MAX),
  body: text('errBodyRequired', 'errBodyTooLong', NOTE_BODY_MAX),
  // A select, not radios: the browser check binds fields of one text value.
  visibility: z.enum(PATIENT_NOTE_VISIBILITIES, { error: 'errVisibility' }),
};

/** "New note". */
export const portalNoteSchema = formSchema(z.object(fields, { error: 'fixErrors' }));
export type PortalNoteInput = z.output<typeof portalNoteSchema>;

/** Editing one of the patient's own notes: the note's id is a hidden field the page wrote. */
export const editPortalNoteSchema = formSchema(z.object({ noteId: z.uuid({ error: 'noteNotFound' }), ...fields }, { error: 'fixErrors' }));

/** The delete confirmation: only the note's id. */
export const deletePortalNoteSchema = formSchema(z.object({ noteId: z.uuid({ error: 'noteNotFound' }) }, { error: 'noteNotFound' }));
