import { describe, expect, it } from 'vitest';
import {
  isCalendarDate, joinWaitlistBrowserSchema, joinWaitlistSchema, removeWaitlistEntrySchema, staffWaitlistEntrySchema, timeOfDayOf, TIMES_OF_DAY,
} from '@/lib/waitlist/forms';

const ID = '0b7e3f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const portal = { location: ID, service: ID, provider: 'any', weekdays: ['1', '3'], timeOfDay: 'morning', untilOn: '2030-02-01' };

describe('the waitlist forms', () => {
  it('reads the day checkboxes as posted: one value, several, or none', () => {
    expect(joinWaitlistSchema.parse(portal).weekdays).toEqual([1, 3]);
    // One ticked box posts a single value; repeated or unordered values are kept once, in order.
    expect(joinWaitlistSchema.parse({ ...portal, weekdays: '0' }).weekdays).toEqual([0]);
    expect(joinWaitlistSchema.parse({ ...portal, weekdays: ['6', '0', '6', '2'] }).weekdays).toEqual([0, 2, 6]);
    // react-hook-form's list, or false for a lone unticked box.
    expect(staffWaitlistEntrySchema.safeParse({ patientId: ID, locationId: ID, serviceId: ID, providerId: ID, weekdays: false, timeOfDay: 'any', untilOn: '2030-02-01' }).error?.issues[0])
      .toMatchObject({ path: ['weekdays'], message: 'Tick at least one day.' });
    // The form shows an issue on its path's first name (lib/actions/failures.ts), a bad day's too.
    for (const weekdays of [undefined, [], ['7'], ['1', 'x'], 'monday']) {
      const issue = joinWaitlistSchema.safeParse({ ...portal, weekdays }).error?.issues[0];
      expect([issue?.path[0], issue?.message], JSON.stringify(weekdays)).toEqual(['weekdays', 'weekdaysRequired']);
    }
  });

  it('names the catalogue key of each refusal in the portal, and refuses what is not a date or a choice', () => {
    const issue = (changes: Record<string, unknown>) => joinWaitlistSchema.safeParse({ ...portal, ...changes }).error?.issues[0];
    expect(issue({ timeOfDay: 'night' })).toMatchObject({ path: ['timeOfDay'], message: 'timeRequired' });
    expect(issue({ untilOn: '2030-02-30' })).toMatchObject({ path: ['untilOn'], message: 'untilInvalid' });
    expect(issue({ untilOn: '01/02/2030' })).toMatchObject({ path: ['untilOn'], message: 'untilInvalid' });
    expect(issue({ provider: 'everyone' })).toMatchObject({ path: ['provider'], message: 'choiceGone' });
    expect(issue({ location: "1' or 1=1" })).toMatchObject({ path: ['location'], message: 'choiceGone' });
    // The browser checks only the fields its enhancer binds; the days are the server's.
    expect(joinWaitlistBrowserSchema.safeParse({ location: ID, service: ID, provider: 'any', untilOn: '2030-02-01' }).success).toBe(true);
    expect(Object.keys((joinWaitlistBrowserSchema as unknown as { shape: object }).shape).sort()).toEqual(['location', 'provider', 'service', 'untilOn']);
  });

  it('needs a reason to remove an entry, trimmed and at most 500 characters', () => {
    expect(removeWaitlistEntrySchema.parse({ entryId: ID, reason: '  Booked by phone ' }).reason).toBe('Booked by phone');
    expect(removeWaitlistEntrySchema.safeParse({ entryId: ID, reason: '   ' }).success).toBe(false);
    expect(removeWaitlistEntrySchema.safeParse({ entryId: ID, reason: 'x'.repeat(501) }).success).toBe(false);
    expect(removeWaitlistEntrySchema.safeParse({ entryId: 'nope', reason: 'x' }).error?.issues[0]?.path).toEqual(['entryId']);
  });

  it('turns a time of day into local times and back', () => {
    for (const [part, times] of Object.entries(TIMES_OF_DAY)) expect(timeOfDayOf(`${times.earliest}:00`, `${times.latest}:00`)).toBe(part);
    expect(timeOfDayOf('09:00:00', '11:00:00')).toBeNull();
    expect(isCalendarDate('2032-02-29')).toBe(true);
    expect(isCalendarDate('2031-02-29')).toBe(false);
  });
});
