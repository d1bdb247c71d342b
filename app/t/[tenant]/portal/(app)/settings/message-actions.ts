'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAccountAction } from '@/lib/actions/wrappers';
import { changeConsentFromPortal } from '@/lib/engagement/consent';
import { consent } from '@/lib/i18n/messages/consent';

// A ticked box posts 'on'; an unticked one posts nothing, which is a "no". Never refused as a
// shape: an odd patient id is nobody the account acts for (not found, in the form's words).
const box = z.string().max(10).optional().catch(undefined).transform((value) => value === 'on');
const messageChoicesSchema = z.object({ patientId: z.string().max(100).catch(''), marketingEmail: box, marketingSms: box });

/**
 * "Messages from the clinic" (/portal/settings): the account's own patient, or one it may act
 * for, says yes or no to marketing by email and by text. lib/ checks the link and records only
 * what changed (source 'portal'), both channels in one transaction.
 */
export const saveMessageChoicesAction = portalAccountAction(
  { catalog: consent, schema: messageChoicesSchema, messages: { invalid: 'errGeneric', notFound: 'errGeneric', conflict: 'errGeneric', busy: 'errGeneric' } },
  async (ctx, input): Promise<ActionState> => {
    await getDb().transaction(async (tx) => {
      await changeConsentFromPortal(tx, ctx, input.patientId, { channel: 'email', purpose: 'marketing', granted: input.marketingEmail });
      await changeConsentFromPortal(tx, ctx, input.patientId, { channel: 'sms', purpose: 'marketing', granted: input.marketingSms });
    });
    revalidatePath('/portal/settings');
    redirect('/portal/settings?saved=messages');
  },
);
