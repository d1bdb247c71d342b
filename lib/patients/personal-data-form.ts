import { hasControlCharacters } from '@/lib/validation/text';
import * as z from 'zod/mini';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The portal's "My data" form, checked in the browser (react-hook-form) and again by the server
 * action (lib/patients/personal-data.ts adds the phone number's own check, which needs a library
 * too large for a phone's first load). The rules are the clinic record's (lib/patients/schemas.ts)
 * for the fields a patient may change; each message is a key of the data catalogue. An empty
 * optional field means "not given". Browser-safe.
 */

export const PERSONAL_DATA_FIELDS = [
  'firstName', 'lastName', 'email', 'phone', 'addressLine1', 'addressLine2', 'city', 'region', 'postalCode', 'country', 'preferredLanguage',
] as const;
export type PersonalDataField = (typeof PERSONAL_DATA_FIELDS)[number];

const NAME_CHARACTERS = /[\u0000-\u001f\u007f<>]/;

const name = (error: 'errFirstName' | 'errLastName') => z.string({ error }).check(
  z.refine((v) => !hasControlCharacters(v), error),
  z.trim(),
  z.minLength(1, error),
  z.maxLength(100, error),
  z.refine((v) => !NAME_CHARACTERS.test(v), error),
);

/** Plain text of at most `max` characters, or nothing. */
const text = (max: number) => z.string({ error: 'errTooLong' }).check(
  z.refine((v) => !hasControlCharacters(v), 'errTooLong'),
  z.trim(),
  z.maxLength(max, 'errTooLong'),
);

/** The fields' rules, for the server to build on (lib/patients/personal-data.ts). */
export const personalDataForm = z.object({
  firstName: name('errFirstName'),
  lastName: name('errLastName'),
  email: z.string({ error: 'errEmail' }).check(
    z.trim(),
    z.refine((v) => v === '' || (v.length <= 254 && z.regexes.email.test(v)), 'errEmail'),
  ),
  phone: z.string({ error: 'errPhone' }).check(
    z.trim(),
    // Whether it is a real number is the server's check (libphonenumber).
    z.refine((v) => v.length <= 40 && !hasControlCharacters(v), 'errPhone'),
  ),
  addressLine1: text(200),
  addressLine2: text(200),
  city: text(100),
  region: text(100),
  postalCode: text(20),
  country: z.string({ error: 'errCountry' }).check(z.trim(), z.refine((v) => v === '' || /^[A-Za-z]{2}$/.test(v), 'errCountry')),
  preferredLanguage: z.enum(['en', 'es'], { error: 'errLanguage' }),
}, { error: 'fixErrors' });

export type PersonalDataFormValues = z.output<typeof personalDataForm>;

export const personalDataFormSchema = formSchema(personalDataForm);

/** The data page's state: the form, or the SMS code step of a phone/email change. */
export interface DataFormState {
  step: 'form' | 'code';
  /** What was typed, so a refused form keeps it. */
  values?: Record<string, string>;
  fieldErrors?: Record<string, string>;
  message?: string;
  notice?: string;
  /** Which phone the code went to: the current one, then the new one. */
  stage?: 'current' | 'new';
  maskedPhone?: string;
  /** Epoch ms when "Resend code" opens. */
  resendAt?: number;
}
