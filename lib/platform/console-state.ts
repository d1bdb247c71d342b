import 'server-only';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { ActionState } from '@/lib/actions/result';

/** What the console's forms (sign-in, a new clinic) get back from their actions. Browser-safe: types only. */
export interface ConsoleFormState extends ActionState {
  step?: 'credentials' | 'totp';
  /** A passkey made on the root host may replace the code: the browser's options. */
  passkey?: PublicKeyCredentialRequestOptionsJSON;
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
}
