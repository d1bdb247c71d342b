import 'server-only';
import { z } from '@/lib/validation/zod';

/**
 * The staff schedule's forms as posted. The ids are hidden fields: a bad one means the page was
 * tampered with or is stale, which each form answers in one sentence. The picked slot and the
 * cancellation reason are checked by the action, which names the field to fix.
 */

const day = (message: string) => z.string({ error: message }).regex(/^\d{4}-\d{2}-\d{2}$/, message);
const providerChoice = (message: string) => z.union([z.literal('any'), z.uuid(message)], { error: message });

export const BOOKING_NOT_UNDERSTOOD = 'The booking was not understood. Start again from the schedule.';
export const CHANGE_NOT_UNDERSTOOD = 'The change was not understood. Reload the page and try again.';
export const APPOINTMENT_GONE = 'This appointment no longer exists.';

export const bookSchema = z.object({
  patientId: z.uuid(BOOKING_NOT_UNDERSTOOD),
  locationId: z.uuid(BOOKING_NOT_UNDERSTOOD),
  serviceId: z.uuid(BOOKING_NOT_UNDERSTOOD),
  providerChoice: providerChoice(BOOKING_NOT_UNDERSTOOD),
  day: day(BOOKING_NOT_UNDERSTOOD),
  slot: z.unknown().optional(),
});

export const rescheduleSchema = z.object({
  appointmentId: z.uuid(CHANGE_NOT_UNDERSTOOD),
  locationId: z.uuid(CHANGE_NOT_UNDERSTOOD),
  serviceId: z.uuid(CHANGE_NOT_UNDERSTOOD),
  providerChoice: providerChoice(CHANGE_NOT_UNDERSTOOD),
  day: day(CHANGE_NOT_UNDERSTOOD),
  slot: z.unknown().optional(),
});

export const appointmentSchema = z.object({ appointmentId: z.uuid(APPOINTMENT_GONE) });

export const cancelSchema = appointmentSchema.extend({ reason: z.unknown().optional() });
