import { z } from '@/lib/validation/zod';
import type { ActionState } from '@/lib/actions/result';

/**
 * The calendar's move, as the drag and the Move dialog post it; the dialog checks it in the
 * browser with the same schema (no 'server-only': a client component imports it). The location
 * stays the visit's unless a column of another location was the target.
 */

export const MOVE_NOT_UNDERSTOOD = 'The move was not understood. Reload the page and try again.';
export const PICK_A_TIME = 'Pick a new time.';

export const moveSchema = z.object({
  appointmentId: z.uuid(MOVE_NOT_UNDERSTOOD),
  providerId: z.uuid('Pick a provider.'),
  locationId: z.union([z.literal(''), z.uuid(MOVE_NOT_UNDERSTOOD)], { error: MOVE_NOT_UNDERSTOOD }).optional(),
  startsAt: z.iso.datetime({ offset: true, error: PICK_A_TIME }),
});
export type MoveInput = z.infer<typeof moveSchema>;

/** What the Move dialog asks for when the provider or the day changes. */
export const moveTimesSchema = z.object({
  appointmentId: z.uuid(MOVE_NOT_UNDERSTOOD),
  providerId: z.union([z.literal(''), z.uuid(MOVE_NOT_UNDERSTOOD)], { error: MOVE_NOT_UNDERSTOOD }).optional(),
  day: z.iso.date({ error: 'Choose a day.' }),
});

/** The Move dialog's choices, as moveTimesCall answers them. */
export interface MoveTimesState extends ActionState {
  providers?: { id: string; name: string }[];
  providerId?: string | null;
  day?: string;
  /** `${ISO start}|${providerId}` values with their labels (lib/scheduling/schedule-format.ts). */
  slots?: { value: string; label: string }[];
}
