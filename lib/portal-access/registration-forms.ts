import * as z from 'zod/mini';
import { visitorSignupForm } from '@/lib/commerce/visitor-signup-forms';
import { hasControlCharacters } from '@/lib/validation/text';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The portal's self-registration (/portal/register; lib/portal-access/registration.ts), checked
 * in the browser (lib/forms/use-lazy-action-form.ts) and by the server action. The first step's
 * fields are the shop's sign-up fields with their rules and messages (keys of the shop-join
 * catalogue, which the page words); the code and the password steps use the portal's shared
 * schemas (lib/auth/schemas verificationCodeSchema, lib/portal-access/schemas newPasswordSchema).
 * The email is required where the clinic signs in with it (lib checks that, knowing the clinic).
 * Browser-safe.
 */

const optionalEmail = z.optional(z.string({ error: 'errEmail' }).check(
  z.refine((v) => !hasControlCharacters(v), 'errEmail'),
  z.trim(),
  z.maxLength(254, 'errEmail'),
  z.refine((v) => v === '' || z.regexes.email.test(v), 'errEmail'),
));

const { firstName, lastName, dateOfBirth, phone, identifier } = visitorSignupForm.shape;

export const registrationDetailsForm = z.object({
  firstName, lastName, dateOfBirth, phone,
  email: optionalEmail,
  // The national ID, in clinics that sign in with it (else not on the form).
  identifier,
}, { error: 'fixErrors' });

export const registrationDetailsSchema = formSchema(registrationDetailsForm);
export type RegistrationDetailsValues = z.output<typeof registrationDetailsForm>;

/** Fields shown again after a refusal. */
export const REGISTRATION_ECHO = ['firstName', 'lastName', 'dateOfBirth', 'phone', 'email', 'identifier'] as const;

export type RegistrationStep = 'details' | 'code' | 'password' | 'pending';

/** What the page draws: the details, the SMS code, the password, or "the clinic will confirm". */
export interface RegistrationFormState {
  step: RegistrationStep;
  ok?: boolean;
  message?: string;
  notice?: string;
  fieldErrors?: Record<string, string>;
  passwordProblems?: string[];
  values?: Record<string, string>;
  maskedPhone?: string;
  resendAt?: number;
}
