'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { rootPublicAction } from '@/lib/actions/wrappers';
import { completeOperatorEnrolment } from '@/lib/platform/operator-enrolment';
import { operatorEnrolmentSchema } from '@/lib/platform/operator-enrolment-schema';

/**
 * A new operator's single-use link (from `npm run platform:create-operator`): password and
 * authenticator in one step. A weak password or a wrong code leaves the link usable.
 */
export const enrolOperatorAction = rootPublicAction({ schema: operatorEnrolmentSchema, echo: [] }, async (ctx, input): Promise<ActionState> => {
  const result = await completeOperatorEnrolment(getDb(), input.token, { password: input.password, code: input.code }, ctx.client);
  if (!result.ok) return { ok: false, message: 'This link can’t be used any more: it was used already or has expired. Ask for a new one.' };
  redirect('/console/sign-in');
});
