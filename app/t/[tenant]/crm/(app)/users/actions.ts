'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { getEmailSender } from '@/lib/messaging/providers';
import { STAFF_USER_MESSAGES } from '@/lib/staff/errors';
import { inviteStaffSchema } from '@/lib/staff/schemas';
import { changeAccessLevel, inviteStaff, resendStaffInvite, setStaffActive } from '@/lib/staff/staff-users';
import { z } from '@/lib/validation/zod';

const users = { area: 'crm', permission: 'users.manage', messages: STAFF_USER_MESSAGES } as const;

function changed() {
  revalidatePath('/crm/users');
}

export const inviteStaffAction = staffAction(
  { ...users, schema: inviteStaffSchema },
  async (ctx, { fullName, email, accessLevelId }): Promise<ActionState> => {
    await inviteStaff(getDb(), ctx, { fullName, email, accessLevelId }, getEmailSender(), await getRequestOrigin());
    changed();
    return { ok: true, message: `Invitation sent to ${email}. The link works once and expires in 24 hours.` };
  },
);

// The row buttons post hidden fields only: a malformed one means a stale or altered page.
const GONE = STAFF_USER_MESSAGES.notFound;
const CHOOSE_LEVEL = 'Choose an access level from the list.';
const staffIdOf = (message: string) => z.string({ error: message }).uuid(message);

export const resendInviteAction = staffAction(
  { ...users, schema: z.object({ staffId: staffIdOf(GONE) }), messages: { ...STAFF_USER_MESSAGES, invalid: GONE } },
  async (ctx, { staffId }): Promise<ActionState> => {
    await resendStaffInvite(getDb(), ctx, staffId, getEmailSender(), await getRequestOrigin());
    changed();
    return { ok: true, message: 'A new invitation was sent; the previous link no longer works.' };
  },
);

export const changeLevelAction = staffAction(
  {
    ...users,
    schema: z.object({ staffId: staffIdOf(CHOOSE_LEVEL), accessLevelId: z.string({ error: CHOOSE_LEVEL }).uuid(CHOOSE_LEVEL) }),
    messages: { ...STAFF_USER_MESSAGES, invalid: CHOOSE_LEVEL },
  },
  async (ctx, { staffId, accessLevelId }): Promise<ActionState> => {
    await changeAccessLevel(getDb(), ctx, staffId, accessLevelId);
    changed();
    return { ok: true, message: 'Access level changed.' };
  },
);

export const setActiveAction = staffAction(
  {
    ...users,
    schema: z.object({ staffId: staffIdOf(GONE), active: z.enum(['true', 'false'], { error: GONE }) }),
    messages: { ...STAFF_USER_MESSAGES, invalid: GONE },
  },
  async (ctx, { staffId, active }): Promise<ActionState> => {
    await setStaffActive(getDb(), ctx, staffId, active === 'true');
    changed();
    return { ok: true, message: active === 'true' ? 'User reactivated.' : 'User deactivated and signed out everywhere.' };
  },
);
