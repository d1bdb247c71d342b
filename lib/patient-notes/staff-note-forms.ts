import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { NOTE_BODY_MAX, NOTE_TITLE_MAX, STAFF_NOTE_VISIBILITIES } from './note-rules';

/**
 * The chart's note forms (EMR, English), shared by the browser (useActionForm) and the server
 * actions. The patient's id is a hidden field; lib/ checks it belongs to the clinic. Browser-safe.
 */

const noteFields = {
  title: withoutControlChars(z.string({ error: 'Enter a title.' })).trim().min(1, 'Enter a title.').max(NOTE_TITLE_MAX, `Keep the title to ${NOTE_TITLE_MAX} characters or fewer.`),
  body: withoutControlChars(z.string({ error: 'Write the note.' })).trim().min(1, 'Write the note.').max(NOTE_BODY_MAX, `Keep the note to ${NOTE_BODY_MAX.toLocaleString('en-US')} characters or fewer.`),
  visibility: z.enum(STAFF_NOTE_VISIBILITIES, 'Choose who can read the note.'),
};

/** What a staff note is made of (title, text, who can read it). */
export const staffNoteInputSchema = z.object(noteFields);
export type StaffNoteInput = z.output<typeof staffNoteInputSchema>;

const patientId = z.unknown().optional().transform((v) => (typeof v === 'string' ? v : ''));
const noteId = z.uuid('This note no longer exists.');

/** Adding a note: the chart's patient (hidden) and the note. */
export const addStaffNoteSchema = z.object({ patientId, ...noteFields });

/** Editing one's own note. */
export const editStaffNoteSchema = z.object({ patientId, noteId, ...noteFields });

/** Deleting one's own note (the confirm button's hidden fields). */
export const deleteStaffNoteSchema = z.object({ patientId: z.uuid('This note no longer exists.'), noteId });
