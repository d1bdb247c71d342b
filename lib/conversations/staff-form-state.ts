import 'server-only';
import type { ActionState } from '@/lib/actions/result';

/** What the EMR's message forms show after an action. Browser-safe: types only. */

export type MessageField = 'patientId' | 'subject' | 'body' | 'files' | 'staffId';

export interface MessageFormState extends ActionState {
  fieldErrors?: Partial<Record<MessageField, string>>;
}
