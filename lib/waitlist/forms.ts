import * as z from 'zod/mini';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The waitlist's forms: joining (the portal's and the EMR's), leaving (portal) and removing with
 * a reason (EMR). Parsed by the server actions; the portal's messages are keys of the waitlist
 * catalogue (lib/i18n/messages/waitlist.ts), the EMR's are English. What depends on the clinic
 * (the date against the booking horizon, the service at the location) is lib/waitlist/entries.ts's.
 * Browser-safe, built with zod's small build (the portal loads it after the page is interactive).
 */

/** The parts of the day a patient chooses from, as local (location-zone) times: [earliest, latest). */
export const TIMES_OF_DAY = {
  any: { earliest: '00:00', latest: '24:00' },
  morning: { earliest: '08:00', latest: '12:00' },
  afternoon: { earliest: '12:00', latest: '17:00' },
  evening: { earliest: '17:00', latest: '21:00' },
} as const;
export type TimeOfDay = keyof typeof TIMES_OF_DAY;
export const TIME_OF_DAY_CHOICES = Object.keys(TIMES_OF_DAY) as TimeOfDay[];

/** The time of day an entry's times were made from, or null for other times (made elsewhere). */
export function timeOfDayOf(earliest: string, latest: string): TimeOfDay | null {
  const hhmm = (t: string) => t.slice(0, 5);
  return TIME_OF_DAY_CHOICES.find((k) => TIMES_OF_DAY[k].earliest === hhmm(earliest) && TIMES_OF_DAY[k].latest === hhmm(latest)) ?? null;
}

/** 0 = Sunday … 6 = Saturday, as the checkboxes post them; shown Monday first. */
export const WEEKDAY_VALUES = ['1', '2', '3', '4', '5', '6', '0'] as const;
type WeekdayValue = (typeof WEEKDAY_VALUES)[number];
export const WAITLIST_REASON_MAX = 500;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date, YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * A checkbox group as posted: nothing (none ticked), one value, or the list; react-hook-form gives
 * the list, or false for none. Kept as numbers 0–6, each once, in order.
 */
function weekdays(required: string) {
  return z.pipe(
    z.transform((v: unknown) => (v === undefined || v === null || v === false || v === '' ? [] : Array.isArray(v) ? v : [v])),
    z.pipe(
      z.array(z.enum(['0', '1', '2', '3', '4', '5', '6'], { error: required }), { error: required }).check(z.minLength(1, required), z.maxLength(7, required)),
      z.transform((days: WeekdayValue[]) => [...new Set(days.map(Number))].sort((a, b) => a - b)),
    ),
  );
}

const timeOfDay = (error: string) => z.enum(['any', 'morning', 'afternoon', 'evening'], { error });
const calendarDate = (error: string) => z.string({ error }).check(z.trim(), z.maxLength(10, error), z.refine(isCalendarDate, error));
const providerChoice = (error: string) => z.union([z.literal('any'), z.uuid({ error })], { error });

// ---------------------------------------------------------------------------------------------
// Portal (catalogue keys)

const portalJoin = z.object({
  location: z.uuid({ error: 'choiceGone' }),
  service: z.uuid({ error: 'choiceGone' }),
  provider: providerChoice('choiceGone'),
  weekdays: weekdays('weekdaysRequired'),
  timeOfDay: timeOfDay('timeRequired'),
  untilOn: calendarDate('untilInvalid'),
});

/** The portal's "Join the waitlist": the booking flow's choices (hidden) and what suits the patient. */
export const joinWaitlistSchema = formSchema(portalJoin);

/**
 * The same form's one-value fields, for the browser: the lazy form enhancer binds text fields only
 * (lib/forms/form-enhancer.ts), so the day checkboxes and the time-of-day radios are checked by the
 * server, which answers on their fields.
 */
export const joinWaitlistBrowserSchema = formSchema(z.pick(portalJoin, { location: true, service: true, provider: true, untilOn: true }));

/** "Leave the waitlist": an entry of the patient in the session (anyone else's is not found). */
export const leaveWaitlistSchema = formSchema(z.object({ entryId: z.uuid({ error: 'entryGone' }) }));

// ---------------------------------------------------------------------------------------------
// EMR (English)

export const ADD_NOT_UNDERSTOOD = 'The waitlist entry was not understood. Start again from the waitlist.';
export const ENTRY_GONE = 'This waitlist entry no longer exists. Reload the page.';

/** Staff put any patient of the clinic on the waitlist. */
export const staffWaitlistEntrySchema = formSchema(z.object({
  patientId: z.uuid({ error: ADD_NOT_UNDERSTOOD }),
  locationId: z.uuid({ error: ADD_NOT_UNDERSTOOD }),
  serviceId: z.uuid({ error: ADD_NOT_UNDERSTOOD }),
  providerId: providerChoice(ADD_NOT_UNDERSTOOD),
  weekdays: weekdays('Tick at least one day.'),
  timeOfDay: timeOfDay('Choose a time of day.'),
  untilOn: calendarDate('Enter the last day as a date.'),
}));

/** Staff remove an entry with the reason (kept on the entry). */
export const removeWaitlistEntrySchema = formSchema(z.object({
  entryId: z.uuid({ error: ENTRY_GONE }),
  reason: z.string({ error: 'Enter why the entry is removed.' }).check(
    z.trim(),
    z.minLength(1, 'Enter why the entry is removed.'),
    z.maxLength(WAITLIST_REASON_MAX, `Keep the reason under ${WAITLIST_REASON_MAX} characters.`),
  ),
}));
