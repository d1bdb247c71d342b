import { z } from 'zod';
import { SLOT_PATTERN, WEEK_PATTERN } from '@/lib/scheduling/booking-forms';
import { DAY_PARTS } from '@/lib/scheduling/month-grid';

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(first, schema.optional().catch(undefined));

/** An instant as the slot buttons write it (toISOString); anything else is "no slot chosen". */
const slotParam = z.string().max(40).regex(SLOT_PATTERN).refine((v) => !Number.isNaN(Date.parse(v)));
const providerParam = z.union([z.literal('any'), z.uuid()]);
const dateParam = z.string().regex(WEEK_PATTERN);
const monthParam = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const BOOKING_NOTICES = ['taken', 'not-found', 'not-offered'] as const;
export type BookingNotice = (typeof BOOKING_NOTICES)[number];

/**
 * The booking flow lives in the URL so every step is a server-rendered page that works without
 * JavaScript and with the back button. Each parameter is checked here for shape and later against
 * the clinic (lib/scheduling/online-booking.ts); a bad one is simply "not chosen", never an error page.
 */
export const bookingParamsSchema = z.object({
  location: optional(z.uuid()),
  service: optional(z.uuid()),
  provider: optional(providerParam),
  /** The month shown (YYYY-MM) and the day whose times are shown (YYYY-MM-DD, the location's calendar). */
  month: optional(monthParam),
  day: optional(dateParam),
  /** Which part of the day's times is shown. */
  part: optional(z.enum(DAY_PARTS)),
  /** The day to show again after a lost race: the confirm forms post it back as `week` (lib/scheduling/booking-forms.ts). */
  week: optional(dateParam),
  slot: optional(slotParam),
  notice: optional(z.enum(BOOKING_NOTICES)),
});
export type BookingParams = z.infer<typeof bookingParamsSchema>;

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** A query string from the chosen values, leaving out the empty ones. */
export function bookingQuery(values: Record<string, string | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : '';
}
