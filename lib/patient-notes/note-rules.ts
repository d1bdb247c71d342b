/**
 * Patient notes (issue 15 point 10, seed 002 "New note"): the limits and the two audiences'
 * visibilities, shared by the forms (browser) and lib/. The database checks the same limits
 * (db/schema/forms.ts patient_notes). Browser-safe.
 */

/** The database's limits, in characters (JavaScript's length never undercounts them). */
export const NOTE_TITLE_MAX = 200;
export const NOTE_BODY_MAX = 20_000;

/** A patient's note: only its author, or its author and the clinic. */
export const PATIENT_NOTE_VISIBILITIES = ['private', 'shared'] as const;
export type PatientNoteVisibility = (typeof PATIENT_NOTE_VISIBILITIES)[number];

/** A staff note: the clinic only, or also the patient (and whoever acts for them in the portal). */
export const STAFF_NOTE_VISIBILITIES = ['internal', 'shared'] as const;
export type StaffNoteVisibility = (typeof STAFF_NOTE_VISIBILITIES)[number];
