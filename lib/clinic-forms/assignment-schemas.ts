import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

// The EMR's forms dialogs (assign, invite with intake forms, correction), one schema each,
// shared by the browser (useActionForm) and the server actions. Browser-safe.

export const ASSIGNMENT_MESSAGE_MAX = 1000;
/** How many forms one dialog may assign at once. */
export const ASSIGN_AT_ONCE_MAX = 20;
/** How far ahead a due date may be. */
export const DUE_DATE_MAX_DAYS = 366;

const CHOOSE_FORM = 'Choose at least one form.';

/**
 * A checkbox group posts nothing, one value or a list (and react-hook-form reads a lone unticked
 * box as `false`): always a list here.
 */
export const templateIdsSchema = z.preprocess(
  (v) => (v === undefined || v === null || v === '' || v === false ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.uuid(CHOOSE_FORM), CHOOSE_FORM).max(ASSIGN_AT_ONCE_MAX, `Choose at most ${ASSIGN_AT_ONCE_MAX} forms at once.`),
);

export const assignmentMessageSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  withoutControlChars(z.string('Write the message as text.'))
    .max(ASSIGNMENT_MESSAGE_MAX, `Keep the message under ${ASSIGNMENT_MESSAGE_MAX} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined)),
);

const DUE = 'Enter the due date as a date (YYYY-MM-DD).';
/** A calendar date; "not in the past" is checked on the server against the clinic's today. */
export const dueOnSchema = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  z.string(DUE)
    .regex(/^\d{4}-\d{2}-\d{2}$/, DUE)
    .refine((d) => !Number.isNaN(Date.parse(`${d}T12:00:00Z`)) && new Date(`${d}T12:00:00Z`).toISOString().startsWith(d), DUE)
    .optional(),
);

/** Chart → Forms → "Assign forms". */
export const assignFormsSchema = z.object({
  patientId: z.uuid('This patient no longer exists.'),
  templateIds: templateIdsSchema.refine((ids) => ids.length > 0, CHOOSE_FORM),
  message: assignmentMessageSchema,
  dueOn: dueOnSchema,
});
export type AssignFormsInput = z.output<typeof assignFormsSchema>;

/** A one-button form on an assignment (cancel, mark reviewed). */
export const assignmentRefSchema = z.object({
  patientId: z.uuid('This form no longer exists.'),
  assignmentId: z.uuid('This form no longer exists.'),
});

/** "Ask for a correction": what to tell the patient, and optionally a new due date. */
export const correctionSchema = assignmentRefSchema.extend({
  message: assignmentMessageSchema,
  dueOn: dueOnSchema,
});

/** Forms → To review: accept or reject one proposed record change. */
export const recordChangeDecisionSchema = z.object({
  changeId: z.uuid('This change no longer exists.'),
  decision: z.enum(['accept', 'reject'], 'Choose accept or reject.'),
});
