import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/** Form schemas shared by the browser and the server actions. */

export const portalCredentialsSchema = z.object({
  identifier: withoutControlChars(z.string()).trim().min(1, 'Enter your sign-in identifier.').max(254, 'That is too long.'),
  password: z.string().min(1, 'Enter your password.').max(256, 'That is too long.'),
});

export const verificationCodeSchema = z.object({
  code: withoutControlChars(z.string()).trim().min(1, 'Enter the 6 digits from the SMS.').max(20, 'Enter the 6 digits from the SMS.'),
});

export const staffCredentialsSchema = z.object({
  email: withoutControlChars(z.string()).trim().min(1, 'Enter your email.').max(254).email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.').max(256),
});

/** Authenticator apps show "123 456": the space is not part of the code. */
export const totpSchema = z.object({
  token: z.preprocess(
    (value) => (typeof value === 'string' ? value.replace(/\s/g, '') : value),
    z.string().regex(/^[0-9]{6}$/, 'Enter the 6-digit code from your authenticator app.'),
  ),
});
