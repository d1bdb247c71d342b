'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { changeConsentByStaff } from '@/lib/engagement/consent';

const answer = z.enum(['yes', 'no'], { error: 'Choose allowed or not allowed.' });
const chartConsentSchema = z.object({
  // An odd id is no patient of the clinic: not found, in the form's words.
  patientId: z.string().max(100).catch(''),
  emailCare: answer, emailMarketing: answer, smsCare: answer, smsMarketing: answer,
});

/**
 * The chart's consent panel: staff record what the patient told them (source 'staff', with who
 * recorded it). All four answers are posted; lib/ records only the ones that changed.
 */
export const saveChartConsentAction = staffAction(
  {
    area: 'emr', permission: 'patients.edit', schema: chartConsentSchema,
    messages: { notFound: 'This patient no longer exists.', forbidden: 'You don’t have permission to change this patient’s consent.' },
  },
  async (ctx, input): Promise<ActionState> => {
    const choices = [
      { channel: 'email', purpose: 'care', granted: input.emailCare === 'yes' },
      { channel: 'email', purpose: 'marketing', granted: input.emailMarketing === 'yes' },
      { channel: 'sms', purpose: 'care', granted: input.smsCare === 'yes' },
      { channel: 'sms', purpose: 'marketing', granted: input.smsMarketing === 'yes' },
    ] as const;
    let changed = 0;
    await getDb().transaction(async (tx) => {
      for (const choice of choices) if (await changeConsentByStaff(tx, ctx, input.patientId, choice)) changed++;
    });
    revalidatePath(`/emr/patients/${input.patientId}/consent`);
    return { ok: true, message: changed === 0 ? 'Nothing changed.' : `Consent recorded (${changed} ${changed === 1 ? 'change' : 'changes'}).` };
  },
);
