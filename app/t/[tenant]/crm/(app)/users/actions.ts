'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { getEmailSender } from '@/lib/messaging/providers';
import { changeAccessLevel, inviteStaff, resendStaffInvite, setStaffActive, StaffRuleError } from '@/lib/staff/staff-users';

export interface UsersActionState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
}

const RULE_MESSAGES: Record<StaffRuleError['code'], string> = {
  'last-admin': 'The clinic must keep at least one active user who can manage users.',
  self: 'You can’t deactivate your own account.',
  'email-taken': 'Someone with this email already has an account in this clinic.',
  'unknown-level': 'Choose an access level from the list.',
  'not-invited': 'This person has already accepted their invitation.',
};

function failure(error: unknown): UsersActionState {
  if (error instanceof StaffRuleError) return { ok: false, message: RULE_MESSAGES[error.code] };
  if (error instanceof NotFoundError) return { ok: false, message: 'That user no longer exists.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'You don’t have permission to manage users.' };
  throw error;
}

const inviteSchema = z.object({
  fullName: z.string({ error: 'Enter the person’s name.' }).trim().min(1, 'Enter the person’s name.').max(120, 'Keep the name to 120 characters or fewer.'),
  email: z.string({ error: 'Enter an email address.' }).trim().max(254, 'That email address is too long.').email('Enter a valid email address.'),
  accessLevelId: z.string({ error: 'Choose an access level.' }).uuid('Choose an access level.'),
});

export async function inviteStaffAction(_: UsersActionState, form: FormData): Promise<UsersActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  const parsed = inviteSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return { ok: false, fieldErrors };
  }
  try {
    await inviteStaff(getDb(), ctx, parsed.data, getEmailSender(), await getRequestOrigin());
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/crm/users');
  return { ok: true, message: `Invitation sent to ${parsed.data.email}. The link works once and expires in 24 hours.` };
}

const idSchema = z.object({ staffId: z.string().uuid() });

export async function resendInviteAction(_: UsersActionState, form: FormData): Promise<UsersActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  const parsed = idSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, message: 'That user no longer exists.' };
  try {
    await resendStaffInvite(getDb(), ctx, parsed.data.staffId, getEmailSender(), await getRequestOrigin());
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/crm/users');
  return { ok: true, message: 'A new invitation was sent; the previous link no longer works.' };
}

const levelSchema = z.object({ staffId: z.string().uuid(), accessLevelId: z.string().uuid() });

export async function changeLevelAction(_: UsersActionState, form: FormData): Promise<UsersActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  const parsed = levelSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, message: 'Choose an access level from the list.' };
  try {
    await changeAccessLevel(getDb(), ctx, parsed.data.staffId, parsed.data.accessLevelId);
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/crm/users');
  return { ok: true, message: 'Access level changed.' };
}

const activeSchema = z.object({ staffId: z.string().uuid(), active: z.enum(['true', 'false']) });

export async function setActiveAction(_: UsersActionState, form: FormData): Promise<UsersActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  const parsed = activeSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, message: 'That user no longer exists.' };
  try {
    await setStaffActive(getDb(), ctx, parsed.data.staffId, parsed.data.active === 'true');
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/crm/users');
  return { ok: true, message: parsed.data.active === 'true' ? 'User reactivated.' : 'User deactivated and signed out everywhere.' };
}
