'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAction } from '@/lib/actions/wrappers';
import { notes } from '@/lib/i18n/messages/notes';
import { deletePortalNoteSchema, editPortalNoteSchema, portalNoteSchema } from '@/lib/patient-notes/portal-note-forms';
import { createPortalNote, deletePortalNote, updatePortalNote } from '@/lib/patient-notes/portal-notes';

// The patient a note is about comes from the session only; a note id that is not one of this
// account's own notes about that patient answers "no longer exists".
const messages = { invalid: 'fixErrors', notFound: 'noteNotFound', busy: 'busy', conflict: 'busy' } as const;

export const createNoteAction = portalAction(
  { area: 'records', catalog: notes, schema: portalNoteSchema, messages, echo: ['title', 'body', 'visibility'] },
  async (ctx, input): Promise<ActionState> => {
    await createPortalNote(getDb(), ctx, input);
    revalidatePath('/portal/notes');
    redirect('/portal/notes?done=created');
  },
);

export const updateNoteAction = portalAction(
  { area: 'records', catalog: notes, schema: editPortalNoteSchema, messages, echo: ['title', 'body', 'visibility'] },
  async (ctx, { noteId, ...input }): Promise<ActionState> => {
    await updatePortalNote(getDb(), ctx, noteId, input);
    revalidatePath('/portal/notes');
    redirect('/portal/notes?done=updated');
  },
);

export const deleteNoteAction = portalAction(
  { area: 'records', catalog: notes, schema: deletePortalNoteSchema, messages: { ...messages, invalid: 'noteNotFound' } },
  async (ctx, { noteId }): Promise<ActionState> => {
    await deletePortalNote(getDb(), ctx, noteId);
    revalidatePath('/portal/notes');
    redirect('/portal/notes?done=deleted');
  },
);
