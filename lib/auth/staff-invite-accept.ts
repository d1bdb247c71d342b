import 'server-only';
import { z } from 'zod';
import { getDb } from '@/db/client';
import type { PublicContext } from '@/lib/actions/wrappers';
import { hashPassword } from '@/lib/identity/password-hash';
import { checkPassword } from '@/lib/identity/password-policy';
import { acceptStaffInvite, lookupStaffInvite } from '@/lib/staff/staff-users';
import type { AcceptInviteState } from './staff-form-states';

const postedSchema = z.object({ token: z.string().min(20).max(100), password: z.string().max(256), confirm: z.string().max(256) });
const NO_LONGER_VALID = 'This invitation is no longer valid. Ask your administrator to send a new one.';

/**
 * A staff member's first password, from the emailed invitation (the token in the page's hidden
 * field is a secret, looked up by its hash). The password policy knows the person's name and
 * email; the invitation is spent only with a password that passes it. `accepted` on success.
 */
export async function acceptStaffInvitation(ctx: PublicContext, posted: Record<string, string>): Promise<AcceptInviteState | 'accepted'> {
  const parsed = postedSchema.safeParse(posted);
  if (!parsed.success) return { message: 'This invitation link is not valid.' };
  const { token, password, confirm } = parsed.data;
  const db = getDb();
  const invite = await lookupStaffInvite(db, ctx.tenant.id, token);
  if (invite.status !== 'valid') return { message: NO_LONGER_VALID };
  const check = await checkPassword(password, { email: invite.email, name: invite.fullName });
  if (!check.ok) return { fieldErrors: { password: check.problems.join(' ') } };
  if (password !== confirm) return { fieldErrors: { confirm: 'The passwords don’t match.' } };
  const result = await acceptStaffInvite(db, ctx.tenant.id, token, await hashPassword(password), ctx.client);
  return result.ok ? 'accepted' : { message: NO_LONGER_VALID };
}
