import 'server-only';
import type { ActionState } from '@/lib/actions/result';

/** What the portal's settings forms show after their action ran. Types only (the forms import them as types). */
export interface SettingsFormState extends ActionState {
  /** The password policy's problems with a new password, each shown under the field. */
  passwordProblems?: string[];
}
