import 'server-only';
import type { ActionState } from '@/lib/actions/result';

/** What the patient form shows after a refusal. Browser-safe: types only. */

export interface DuplicateCandidate {
  id: string;
  recordNumber: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  reason: 'name-and-birth-date' | 'national-id';
}

export interface PatientFormState extends ActionState {
  /** Possible matches of a new patient, for the person to open or confirm as someone else. */
  duplicates?: DuplicateCandidate[];
}

export type ContactFormState = ActionState;
