import { STRICT_FORM } from '@/lib/billing/settings-forms';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * The EMR's decisions on self-registrations (/emr/registrations), shared by the browser
 * (useActionForm) and the server actions. Browser-safe.
 */

export const REJECTION_REASON_MAX = 500;

export const approveRegistrationSchema = z.object({
  registrationId: z.uuid('Choose a registration from the list.'),
}, STRICT_FORM);

export const rejectRegistrationSchema = z.object({
  registrationId: z.uuid('Choose a registration from the list.'),
  // Kept for the clinic (never sent to the registrant: it may name health or identity details).
  reason: withoutControlChars(z.string({ error: 'Say why, for the clinic’s record (the registrant is not shown it).' }))
    .trim()
    .min(1, 'Say why, for the clinic’s record (the registrant is not shown it).')
    .max(REJECTION_REASON_MAX, `Keep the reason under ${REJECTION_REASON_MAX} characters.`),
}, STRICT_FORM);
export type RejectRegistrationInput = z.output<typeof rejectRegistrationSchema>;
