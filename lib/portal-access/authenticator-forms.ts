import * as z from 'zod/mini';
import type { ActionState } from '@/lib/actions/result';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The authenticator app's forms in /portal/settings, parsed by the actions and checked in the
 * browser with the same schema once the page is interactive (lib/forms/use-lazy-action-form.ts).
 * Messages are keys of lib/i18n/messages/authenticator.ts. Whose app it is comes from the
 * session, never a field. Browser-safe, zod/mini (the portal's first-load budget).
 */

// Apps show "123 456": one space in the middle is allowed, lib/identity/totp.ts drops it.
const APP_CODE = /^[0-9]{3} ?[0-9]{3}$/;
const appCode = z.string({ error: 'errCodeFormat' }).check(z.trim(), z.maxLength(20, 'errCodeFormat'), z.regex(APP_CODE, 'errCodeFormat'));

/** The first code from the app, which enrols it; and the code that makes new recovery codes. */
export const authenticatorCodeSchema = formSchema(z.object({ code: appCode }, { error: 'errCodeFormat' }));

/** Removing the app: the password or a code (lib checks that one of them is there and right). */
export const removeAuthenticatorSchema = formSchema(z.object({
  password: z.optional(z.string({ error: 'errTooLong' }).check(z.maxLength(1024, 'errTooLong'))),
  code: z.optional(z.string({ error: 'errCodeFormat' }).check(z.trim(), z.maxLength(20, 'errCodeFormat'), z.regex(/^([0-9]{3} ?[0-9]{3})?$/, 'errCodeFormat'))),
}, { error: 'errNoProof' }));

/**
 * The sign-in step's one field: an app code or a recovery code (lib tells them apart). Only its
 * presence and length are checked here; lib answers a shape that is neither.
 */
export const appSignInCodeSchema = formSchema(z.object({
  code: z.string({ error: 'errAppMalformed' }).check(z.trim(), z.minLength(1, 'errAppMalformed'), z.maxLength(40, 'errAppMalformed')),
}, { error: 'errAppMalformed' }));

/** What the Settings forms get back; recovery codes only in the one answer that made them. */
export interface AuthenticatorFormState extends ActionState {
  recoveryCodes?: string[];
  /** Epoch ms the codes were made: the page shows the newest set it was given. */
  issuedAt?: number;
}
