import 'server-only';
import type { ActionState } from '@/lib/actions/result';
import { z } from '@/lib/validation/zod';

/** The care-team forms (Care team tab): who is added to or removed from a patient's team. */

export interface CareTeamFormState extends ActionState {
  fieldErrors?: { staffId?: string };
}

/** Both ids come from the page; a bad one only means the choice is gone, in the form's words. */
export function careTeamSchema(message: string) {
  return z.object({ patientId: z.uuid(message), staffId: z.uuid(message) });
}
