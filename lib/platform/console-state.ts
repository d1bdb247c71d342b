import 'server-only';
import type { ActionState } from '@/lib/actions/result';

/** What the console's forms (sign-in, a new clinic) get back from their actions. Browser-safe: types only. */
export interface ConsoleFormState extends ActionState {
  step?: 'credentials' | 'totp';
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
}
