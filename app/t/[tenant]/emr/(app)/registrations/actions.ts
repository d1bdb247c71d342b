'use server';

import { refresh } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { approveRegistration, rejectRegistration } from '@/lib/portal-access/registration-review';
import { approveRegistrationSchema, rejectRegistrationSchema } from '@/lib/portal-access/registration-review-forms';

/**
 * Decisions on self-registrations (issue 19 point 4): approve or reject with a reason. The
 * wrapper checks portal_admin.view; lib checks it again with patients.edit, which deciding also
 * needs (lib/portal-access/registration-review.ts says why). Each refreshes the list.
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
  refresh();
  dispatchSoon(); // the registrant's notice goes out after the response
  if (!decision.changed) return { ok: true, message: `This registration was already ${decision.status}.` };
  return { ok: true, message: 'Approved: the patient can sign in now, and has been told.' };
});

export const rejectRegistrationAction = staffAction({ ...deciding, schema: rejectRegistrationSchema, echo: ['reason'] }, async (ctx, values): Promise<ActionState> => {
  const decision = await rejectRegistration(getDb(), ctx, values);
  refresh();
  dispatchSoon();
  if (!decision.changed) return { ok: true, message: `This registration was already ${decision.status}.` };
  return { ok: true, message: 'Rejected: the account cannot sign in, and the person has been told (without the reason).' };
});
