'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { addStaffNoteSchema, deleteStaffNoteSchema, editStaffNoteSchema } from '@/lib/patient-notes/staff-note-forms';
import { createStaffNote, deleteStaffNote, updateStaffNote } from '@/lib/patient-notes/staff-notes';

const writing = {
  area: 'emr',
  permission: 'patients.edit',
  messages: { notFound: 'This patient or note no longer exists. Reload the page.', forbidden: 'You don’t have permission to write notes.' },
} as const;

export const addStaffNoteAction = staffAction(
  { ...writing, schema: addStaffNoteSchema },
  async (ctx, { patientId, ...note }): Promise<ActionState> => {
    await createStaffNote(getDb(), ctx, patientId, note);
    revalidatePath(`/emr/patients/${patientId}/notes`);
    return { ok: true, message: 'Note added.' };
  },
);

export const updateStaffNoteAction = staffAction(
  { ...writing, schema: editStaffNoteSchema },
  async (ctx, { patientId, noteId, ...note }): Promise<ActionState> => {
    await updateStaffNote(getDb(), ctx, patientId, noteId, note);
    revalidatePath(`/emr/patients/${patientId}/notes`);
    return { ok: true, message: 'Note saved.' };
  },
);

export const deleteStaffNoteAction = staffAction(
  { ...writing, schema: deleteStaffNoteSchema },
  async (ctx, { patientId, noteId }): Promise<ActionState> => {
    await deleteStaffNote(getDb(), ctx, patientId, noteId);
    revalidatePath(`/emr/patients/${patientId}/notes`);
    return { ok: true, message: 'Note deleted.' };
  },
);
