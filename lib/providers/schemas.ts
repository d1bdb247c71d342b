import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/** Forms of the Providers page, shared by the browser and the server. */

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::00)?$/;
const DATE_TIME_LOCAL = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;

function wallTime(label: string) {
  return z
    .string({ error: `Enter the ${label} time as HH:MM, e.g. 09:00.` })
    .trim()
    .regex(TIME, `Enter the ${label} time as HH:MM, e.g. 09:00.`)
    .transform((v) => v.slice(0, 5));
}

export const hoursSchema = z
  .strictObject({
    locationId: withoutControlChars(z.string({ error: 'Choose a location.' }), 'Choose a location.').min(1, 'Choose a location.'),
    weekday: z.preprocess(
      (v) => (typeof v === 'string' && /^[0-6]$/.test(v) ? Number(v) : v),
      z.number({ error: 'Choose a day of the week.' }).int().min(0, 'Choose a day of the week.').max(6, 'Choose a day of the week.'),
    ),
    startTime: wallTime('start'),
    endTime: wallTime('end'),
  })
  .refine((v) => v.endTime > v.startTime, { path: ['endTime'], message: 'The end time must be after the start time.' });
export type HoursInput = z.output<typeof hoursSchema>;

/** A calendar date that exists (no 31 February). */
function realDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(date);
}

function dateTimeLocal(label: string) {
  const message = `Enter the ${label} date and time.`;
  return z
    .string({ error: message })
    .trim()
    .refine((v) => DATE_TIME_LOCAL.test(v) && realDate(v.slice(0, 10)), message)
    .transform((v) => ({ date: v.slice(0, 10), time: v.slice(11, 16) }));
}

export const timeOffSchema = z.strictObject({
  locationId: withoutControlChars(z.string({ error: 'Choose the location whose time zone the times are in.' }), 'Choose the location whose time zone the times are in.').min(1, 'Choose the location whose time zone the times are in.'),
  startsAt: dateTimeLocal('start'),
  endsAt: dateTimeLocal('end'),
  reason: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
    withoutControlChars(z.string()).trim().max(200, 'Keep the reason to 200 characters or fewer.').nullable().optional(),
  ),
});
export type TimeOffInput = z.output<typeof timeOffSchema>;
