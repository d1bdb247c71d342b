'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { recordChangeDecisionSchema } from '@/lib/clinic-forms/assignment-schemas';
import { decideRecordChange } from '@/lib/clinic-forms/review';

/** Forms → To review. Accepting also needs patients.edit (lib checks it); the clinic comes from the host. */
export const decideRecordChangeAction = staffAction(
  {
    area: 'emr',
    permission: 'forms.assign',
    schema: recordChangeDecisionSchema,
    messages: { notFound: 'This change no longer exists.', forbidden: 'You don’t have permission to change patients’ records.' },
  },
  async (ctx, input): Promise<ActionState> => {
    const { field, patientId } = await decideRecordChange(getDb(), ctx, input);
    revalidatePath('/emr/forms/review');
    revalidatePath(`/emr/patients/${patientId}`);
    // The decided row leaves the list, so the outcome is said at the top of the page (with or without JavaScript).
    redirect(`/emr/forms/review?${new URLSearchParams({ decided: input.decision === 'accept' ? 'accepted' : 'rejected', field })}`);
  },
);
