import { z } from '@/lib/validation/zod';

/** The invitation form of the Users page, shared by the browser and the server. */
export const inviteStaffSchema = z.object({
  fullName: z.string({ error: 'Enter the person’s name.' }).trim().min(1, 'Enter the person’s name.').max(120, 'Keep the name to 120 characters or fewer.'),
  email: z.string({ error: 'Enter an email address.' }).trim().max(254, 'That email address is too long.').email('Enter a valid email address.'),
  accessLevelId: z.string({ error: 'Choose an access level.' }).uuid('Choose an access level.'),
});
