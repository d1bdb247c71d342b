import * as z from 'zod/mini';
import { interpolate } from '@/lib/i18n/core';
import type { ShopJoinMessages } from '@/lib/i18n/messages/shop-join';
import { personalDataForm } from '@/lib/patients/personal-data-form';
import { hasControlCharacters } from '@/lib/validation/text';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The shop's sign-up form (a new visitor creates their portal account in the checkout), checked
 * in the browser (lib/forms/use-lazy-action-form.ts) and by the server action. Shape only: the
 * date of birth as a real date, the phone number in the clinic's country (libphonenumber), the
 * national ID, the password policy and the consent are lib/commerce/visitor-signup.ts's checks.
 * Each message is a key of the shop-join catalogue. Browser-safe.
 */

/** Where a new account goes when the page was not told (`next`): the checkout it came from. */
export const DEFAULT_AFTER_SIGNUP = '/portal/shop/checkout';

const DATE_TYPED = /^(\d{1,2}\/\d{1,2}\/\d{4}|\d{4}-\d{2}-\d{2})$/;

/** Short text of at most `max` characters, no controls; empty passes (the server says what is required). */
const text = (max: number, error: string) => z.string({ error }).check(
  z.refine((v) => !hasControlCharacters(v), error),
  z.trim(),
  z.maxLength(max, error),
);

const required = (max: number, error: string) => text(max, error).check(z.minLength(1, error));

export const visitorSignupForm = z.object({
  // The clinic record's own rules for names (the portal's "My data" form).
  firstName: personalDataForm.shape.firstName,
  lastName: personalDataForm.shape.lastName,
  dateOfBirth: required(10, 'errDateOfBirth').check(z.refine((v) => DATE_TYPED.test(v), 'errDateOfBirth')),
  phone: required(40, 'errPhone'),
  email: required(254, 'errEmail').check(z.refine((v) => z.regexes.email.test(v), 'errEmail')),
  // The national ID, in clinics that sign in with it (else not on the form).
  identifier: z.optional(text(40, 'errIdentifierShape')),
  password: z.string({ error: 'errPasswordMissing' }).check(z.minLength(1, 'errPasswordMissing'), z.maxLength(1024, 'errTooLong')),
  confirmPassword: z.string({ error: 'errConfirmMissing' }).check(z.minLength(1, 'errConfirmMissing'), z.maxLength(1024, 'errTooLong')),
  // A checkbox: the browser check reads text fields only, so whether it is ticked is the server's check.
  terms: z.optional(z.string()),
  // Where to go once signed in; anything but a portal path of this site becomes the checkout (safeNextPath).
  next: z.optional(z.string()),
}, { error: 'fixErrors' });

export type VisitorSignupValues = z.output<typeof visitorSignupForm>;

export const visitorSignupSchema = formSchema(visitorSignupForm);

/** Fields shown again after a refusal: never the password. */
export const VISITOR_SIGNUP_ECHO = ['firstName', 'lastName', 'dateOfBirth', 'phone', 'email', 'identifier'] as const;

export type VisitorSignupStep = 'details' | 'code' | 'may-have-account';

/** What the page draws: the details, the SMS code, or the neutral "you may already have an account". */
export interface VisitorSignupFormState {
  step: VisitorSignupStep;
  ok?: boolean;
  message?: string;
  notice?: string;
  fieldErrors?: Record<string, string>;
  passwordProblems?: string[];
  values?: Record<string, string>;
  maskedPhone?: string;
  resendAt?: number;
}

const NEXT_MAX_LENGTH = 512;
// Only to parse a relative path; never shown or fetched.
const BASE = 'https://portal.invalid';

/**
 * `next` as the place to go after signing up: a path of this site's portal (/portal or below),
 * with its query, else the checkout. Parsed as a browser would (backslashes, tabs, `..`, encoded
 * dots), so "//evil.com", "/\evil.com" or "/portal/../emr" cannot lead elsewhere.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (typeof next !== 'string' || next === '' || next.length > NEXT_MAX_LENGTH || !next.startsWith('/')) return DEFAULT_AFTER_SIGNUP;
  if (hasControlCharacters(next)) return DEFAULT_AFTER_SIGNUP;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return DEFAULT_AFTER_SIGNUP;
  }
  if (url.origin !== BASE) return DEFAULT_AFTER_SIGNUP;
  if (url.pathname !== '/portal' && !url.pathname.startsWith('/portal/')) return DEFAULT_AFTER_SIGNUP;
  // The sign-up page itself would only ask again.
  if (url.pathname === '/portal/shop/join' || url.pathname.startsWith('/portal/shop/join/')) return DEFAULT_AFTER_SIGNUP;
  return `${url.pathname}${url.search}`;
}

/** The names the form's sentences use: the clinic, its sign-in identifier in a sentence, its calling code ("1"). */
export interface SignupWording {
  clinic: string;
  identifier: string;
  callingCode: string;
}

/** A field message's key (the schema's, lib's) -> its sentence in the reader's language, placeholders filled. */
export function signupFieldTexts(messages: { [K in keyof ShopJoinMessages]: string }, wording: SignupWording): Record<string, string> {
  const vars = { ...wording };
  return Object.fromEntries(
    Object.entries(messages).filter(([key]) => key.startsWith('err') || key === 'fixErrors').map(([key, text]) => [key, interpolate(text, vars)]),
  );
}
