'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { approveRegistration, rejectRegistration } from '@/lib/portal-access/registration-review';
import { approveRegistrationSchema, rejectRegistrationSchema } from '@/lib/portal-access/registration-review-forms';

/**
 * Decisions on self-registrations (issue 19 point 4): approve or reject with a reason. The
 * wrapper checks portal_admin.view; lib checks it again with patients.edit, which deciding also
 * needs (lib/portal-access/registration-review.ts says why). Each answers by loading the list
 * again with what happened on top (the decided row and its form leave the list, so a message in
 * the form would never be seen).
 */

const deciding = {
  area: 'emr',
  permission: 'portal_admin.view',
  messages: {
    notFound: 'This registration no longer exists. Reload the page.',
    forbidden: 'Deciding on registrations needs permission to administer portal access and to edit patients.',
  },
} as const;

export const approveRegistrationAction = staffAction({ ...deciding, schema: approveRegistrationSchema }, async (ctx, values): Promise<ActionState> => {
  const decision = await approveRegistration(getDb(), ctx, values);
  dispatchSoon(); // the registrant's notice goes out after the response
  redirect(`/emr/registrations?done=${decision.changed ? 'approved' : `already-${decision.status}`}`);
});

export const rejectRegistrationAction = staffAction({ ...deciding, schema: rejectRegistrationSchema, echo: ['reason'] }, async (ctx, values): Promise<ActionState> => {
  const decision = await rejectRegistration(getDb(), ctx, values);
  dispatchSoon();
  redirect(`/emr/registrations?done=${decision.changed ? 'rejected' : `already-${decision.status}`}`);
});
