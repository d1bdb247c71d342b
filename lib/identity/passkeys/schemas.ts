import { hasControlCharacters } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { PASSKEY_NAME_MAX } from './limits';

/**
 * The passkey forms, shared by the browser and the server actions of every audience (portal,
 * staff, console). Messages are keys of the passkeys catalogue (lib/i18n/messages/passkeys.ts):
 * the portal's wrapper translates them, and the forms translate whatever they show. Which
 * person a passkey belongs to comes from the session, never a field. Browser-safe.
 */

export { PASSKEY_NAME_MAX };
/** A browser's JSON for one credential is a few hundred bytes to a few kilobytes. */
const RESPONSE_MAX = 16_000;

const name = z.string({ error: 'errNameRequired' })
  .refine((v) => !hasControlCharacters(v), { message: 'errNameControl', abort: true })
  .trim()
  .min(1, 'errNameRequired')
  .max(PASSKEY_NAME_MAX, 'errNameTooLong');

const passkeyId = z.uuid({ error: 'errNotFound' });

/** The browser's answer to navigator.credentials (create or get), as @simplewebauthn/browser writes it. */
const response = z.string({ error: 'addFailed' }).min(2, 'addFailed').max(RESPONSE_MAX, 'addFailed');

/** "Add a passkey": the new credential and, if the person typed one, its name. */
export const addPasskeySchema = z.object({
  response,
  // Left empty (or only spaces), the passkey is named after its kind.
  name: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), name.optional()),
});
export type AddPasskeyInput = z.output<typeof addPasskeySchema>;

export const renamePasskeySchema = z.object({ passkeyId, name });
export type RenamePasskeyInput = z.output<typeof renamePasskeySchema>;
/** The rename form's own field, checked in the browser (the passkey's id is a hidden field the page wrote). */
export const passkeyNameFormSchema = z.object({ name });

export const removePasskeySchema = z.object({ passkeyId });

/** The passkey step of signing in: the browser's assertion. */
export const passkeyAssertionSchema = z.object({ response });

/** Which default name a new passkey gets when the person gave none: a catalogue key. */
export function defaultPasskeyNameKey(deviceType: string | null, transports: readonly string[]): 'defaultSynced' | 'defaultSecurityKey' | 'defaultDevice' {
  if (deviceType === 'multiDevice') return 'defaultSynced';
  if (transports.some((t) => t === 'usb' || t === 'nfc' || t === 'ble') && !transports.includes('internal')) return 'defaultSecurityKey';
  return 'defaultDevice';
}
