'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { getClientInfo } from '@/lib/http/client-info';
import { hashPassword } from '@/lib/identity/password-hash';
import { checkPassword } from '@/lib/identity/password-policy';
import { acceptStaffInvite, lookupStaffInvite } from '@/lib/staff/staff-users';
import { requireActiveTenant } from '@/lib/tenancy/request-tenant';

export interface AcceptInviteState {
  message?: string;
  fieldErrors?: { password?: string; confirm?: string };
}

const schema = z.object({ token: z.string().min(20).max(100), password: z.string().max(256), confirm: z.string().max(256) });

export async function acceptStaffInviteAction(_: AcceptInviteState, form: FormData): Promise<AcceptInviteState> {
  const tenant = await requireActiveTenant();
  const parsed = schema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { message: 'This invitation link is not valid.' };
  const db = getDb();
  const invite = await lookupStaffInvite(db, tenant.id, parsed.data.token);
  if (invite.status !== 'valid') return { message: 'This invitation is no longer valid. Ask your administrator to send a new one.' };
  const check = checkPassword(parsed.data.password, { email: invite.email, name: invite.fullName });
  if (!check.ok) return { fieldErrors: { password: check.problems.join(' ') } };
  if (parsed.data.password !== parsed.data.confirm) return { fieldErrors: { confirm: 'The passwords don’t match.' } };
  const result = await acceptStaffInvite(db, tenant.id, parsed.data.token, await hashPassword(parsed.data.password), await getClientInfo());
  if (!result.ok) return { message: 'This invitation is no longer valid. Ask your administrator to send a new one.' };
  redirect('/emr/sign-in?reason=invite-accepted');
}
