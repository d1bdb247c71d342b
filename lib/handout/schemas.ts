import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * The CRM form for the clinic's own paragraph on the portal handout. Browser-safe: the form
 * checks with it as the action does. A blank paragraph is saved as "none" (null), so the handout
 * leaves the section out. Line breaks are kept: a blank line starts a new paragraph.
 */

export const HANDOUT_NOTE_MAX = 1000;

export const handoutNoteSchema = z.strictObject({
  note: z.preprocess(
    (v) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? null : typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : v),
    withoutControlChars(z.string({ error: 'Write the paragraph as text.' }))
      .trim()
      .max(HANDOUT_NOTE_MAX, `Keep the paragraph to ${HANDOUT_NOTE_MAX} characters or fewer.`)
      .nullable(),
  ),
});
export type HandoutNoteInput = z.output<typeof handoutNoteSchema>;
