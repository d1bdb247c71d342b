import { z } from '@/lib/validation/zod';

/** The invitation form of the Users page, shared by the browser and the server. */
export const inviteStaffSchema = z.object({
  fullName: z.string({ error: 'Enter the person’s name.' }).trim().min(1, 'Enter the person’s name.').max(120, 'Keep the name to 120 characters or fewer.'),
  email: z.string({ error: 'Enter an email address.' }).trim().max(254, 'That email address is too long.').email('Enter a valid email address.'),
  accessLevelId: z.string({ error: 'Choose an access level.' }).uuid('Choose an access level.'),
  // Nothing is preselected: the admin picks a level and confirms having read what it allows.
  confirmLevel: z.preprocess(
    (v) => v === true || v === 'on' || v === 'true',
    z.literal(true, { error: 'Confirm that you have checked what this access level allows.' }),
  ),
});
