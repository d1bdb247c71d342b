import 'server-only';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { ActionState } from '@/lib/actions/result';

/** What the passkey list's actions answer (every audience alike). Browser-safe: types only. */
export interface PasskeyFormState extends ActionState {
  /** "Add a passkey", first call: what the browser hands navigator.credentials.create(). */
  options?: PublicKeyCredentialCreationOptionsJSON;
}

/** One passkey as the list shows it: dates already written in the reader's language and zone. */
export interface PasskeyRow {
  id: string;
  name: string;
  host: string;
  added: string;
  lastUsed: string | null;
}
