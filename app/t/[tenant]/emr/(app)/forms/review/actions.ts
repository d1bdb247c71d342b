'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { recordChangeDecisionSchema } from '@/lib/clinic-forms/assignment-schemas';
import { decideRecordChange, RECORD_FIELD_LABELS } from '@/lib/clinic-forms/review';

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
    const label = RECORD_FIELD_LABELS[field].toLowerCase();
    return { ok: true, message: input.decision === 'accept' ? `Accepted: the ${label} is now in the record.` : `Rejected: the ${label} in the record stays as it was.` };
  },
);
