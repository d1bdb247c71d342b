'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAction } from '@/lib/actions/wrappers';
import { notesRelationships } from '@/lib/i18n/messages/notes-relationships';
import { decideProxyAccess } from '@/lib/portal-access/proxy-consent';
import { proxyDecisionSchema } from '@/lib/portal-access/proxy-decision-schema';

/**
 * The patient's own account decides about a proxy under the clinic's age rules (issue 19): a
 * teen's agreement to full access, an adult's renewed grant, or taking either back. The patient
 * comes from the session; the lib refuses a proxy and a choice the page no longer offers.
 */
export const decideProxyAccessAction = portalAction(
  {
    catalog: notesRelationships,
    area: 'records',
    schema: proxyDecisionSchema,
    messages: { invalid: 'decisionNotAvailable', notFound: 'decisionNotAvailable' },
    rules: { 'own-record-only': 'decisionNotAvailable', 'not-available': 'decisionNotAvailable' },
  },
  async (ctx, input): Promise<ActionState> => {
    await decideProxyAccess(getDb(), ctx, input);
    revalidatePath('/portal/relationships');
    redirect('/portal/relationships?done=decision');
  },
);
