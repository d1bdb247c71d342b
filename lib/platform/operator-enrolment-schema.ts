import { z } from '@/lib/validation/zod';

/**
 * The operator enrolment form (`/console/enrol/<token>`), for the browser and the action. The
 * password policy itself is checked on the server (its word lists are too large to send).
 */
export const operatorEnrolmentSchema = z
  .object({
    token: z.string({ error: 'This link is incomplete. Open the whole link from the message again.' }).min(1, 'This link is incomplete. Open the whole link from the message again.').max(100, 'This link is not valid.'),
    password: z.string({ error: 'Choose a password.' }).min(1, 'Choose a password.').max(128, 'Use at most 128 characters.'),
    confirm: z.string({ error: 'Type the password again.' }).max(128, 'Use at most 128 characters.'),
    // Authenticator apps show "123 456": the space is not part of the code.
    code: z.preprocess(
      (value) => (typeof value === 'string' ? value.replace(/\s/g, '') : value),
      z.string({ error: 'Enter the 6-digit code from your authenticator app.' }).regex(/^[0-9]{6}$/, 'Enter the 6-digit code from your authenticator app.'),
    ),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords are not the same.' });
