import * as z from 'zod/mini';
import { formSchema } from '@/lib/validation/zod-mini';
import { CANCEL_REASON_MAX } from './booking-limits';

/**
 * The portal's booking forms, parsed by the server actions. The cancel form also checks its reason
 * in the browser with the same schema (react-hook-form, loaded once the page is interactive); the
 * confirm forms post only values the page wrote, so only the server checks them. Messages are
 * keys of the bookings catalogue, which the action wrapper and the cancel form translate.
 * Browser-safe.
 */

/** An instant as the slot buttons write it (toISOString). */
export const SLOT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
/** A week's first day, as the week links write it. */
export const WEEK_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

type Key = 'notFound' | 'visitNotFound';

const provider = (error: Key) => z.union([z.literal('any'), z.uuid({ error })], { error });
const slot = (error: Key) => z.string({ error }).check(
  z.maxLength(40, error),
  z.regex(SLOT_PATTERN, error),
  z.refine((v) => !Number.isNaN(Date.parse(v)), error),
);
// Only which week to show again after a lost race: a bad one is simply not used.
const week = z.catch(z.optional(z.string().check(z.regex(WEEK_PATTERN))), undefined);

/** Confirming a new booking: the choices the summary showed, all hidden fields. */
export const bookVisitSchema = formSchema(z.object({
  location: z.uuid({ error: 'notFound' }),
  service: z.uuid({ error: 'notFound' }),
  provider: provider('notFound'),
  slot: slot('notFound'),
  week,
}));

/** Confirming a new time for a visit of the patient in the session. */
export const rescheduleVisitSchema = formSchema(z.object({
  appointment: z.uuid({ error: 'visitNotFound' }),
  provider: provider('visitNotFound'),
  slot: slot('visitNotFound'),
  week,
}));

/** Cancelling needs a reason; an appointment that is not the patient's is not found (lib). */
export const cancelVisitSchema = formSchema(z.object({
  appointment: z.string({ error: 'visitNotFound' }),
  reason: z.string({ error: 'reasonRequired' }).check(
    z.trim(),
    z.maxLength(CANCEL_REASON_MAX, 'reasonTooLong'),
    z.minLength(1, 'reasonRequired'),
  ),
}));
