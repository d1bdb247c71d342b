'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { assignFormsSchema, assignmentRefSchema, correctionSchema } from '@/lib/clinic-forms/assignment-schemas';
import { assignForms, cancelAssignment } from '@/lib/clinic-forms/assignments';
import { markReviewed, requestCorrection } from '@/lib/clinic-forms/review';
import { dispatchSoon } from '@/lib/outbox/dispatcher';

/** Every action re-checks the session and forms.assign; lib checks the patient and the clinic. */
const assigning = {
  area: 'emr',
  permission: 'forms.assign',
  messages: { notFound: 'This patient or form no longer exists.', forbidden: 'You don’t have permission to assign or review forms.' },
} as const;

/** A fresh chart tab (and the assignment's page); any notice queued goes out right away. */
function refreshed(patientId: string, state: ActionState, assignmentId?: string): ActionState {
  revalidatePath(`/emr/patients/${patientId}/forms`);
  if (assignmentId) revalidatePath(`/emr/patients/${patientId}/forms/${assignmentId}`);
  dispatchSoon();
  return state;
}

export const assignFormsAction = staffAction({ ...assigning, schema: assignFormsSchema, echo: ['message', 'dueOn'] }, async (ctx, input): Promise<ActionState> => {
  const { assignmentIds } = await assignForms(getDb(), ctx, input.patientId, input);
  const count = assignmentIds.length;
  return refreshed(input.patientId, { ok: true, message: `${count === 1 ? 'One form' : `${count} forms`} assigned. The patient is told by email (and by SMS if they chose it).` });
});

export const cancelAssignmentAction = staffAction({ ...assigning, schema: assignmentRefSchema }, async (ctx, input): Promise<ActionState> => {
  await cancelAssignment(getDb(), ctx, input);
  return refreshed(input.patientId, { ok: true, message: 'Form cancelled: the patient no longer sees it.' }, input.assignmentId);
});

export const markReviewedAction = staffAction({ ...assigning, schema: assignmentRefSchema }, async (ctx, input): Promise<ActionState> => {
  await markReviewed(getDb(), ctx, input);
  return refreshed(input.patientId, { ok: true, message: 'Marked reviewed.' }, input.assignmentId);
});

export const requestCorrectionAction = staffAction({ ...assigning, schema: correctionSchema, echo: ['message', 'dueOn'] }, async (ctx, input): Promise<ActionState> => {
  await requestCorrection(getDb(), ctx, input);
  return refreshed(input.patientId, { ok: true, message: 'Correction asked for: the form is open again in the patient’s portal, filled with their answers.' }, input.assignmentId);
});
