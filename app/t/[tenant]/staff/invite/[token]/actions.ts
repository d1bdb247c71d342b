'use server';

import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/actions/wrappers';
import type { AcceptInviteState } from '@/lib/auth/staff-form-states';
import { acceptStaffInvitation } from '@/lib/auth/staff-invite-accept';

/** The invitation's first password; then the staff member signs in and sets up an authenticator. */
export const acceptStaffInviteAction = publicAction({ pick: ['token', 'password', 'confirm'], echo: [] }, async (ctx, posted): Promise<AcceptInviteState> => {
  const result = await acceptStaffInvitation(ctx, posted);
  if (result === 'accepted') redirect('/emr/sign-in?reason=invite-accepted');
  return result;
});
