import { describe, expect, it } from 'vitest';
import { compareEntries, fitsEntry, minutesOfTime, offeredKey, offerState, planOffers, timeKey, type FreeTime, type WaitingEntry } from '@/lib/waitlist/match-rules';
import { zonedInstant } from '@/lib/scheduling/zoned-time';

/** Issue 20, point 2, the pure part: which free time suits which waiting patient, and in what order. */

const TZ = 'America/Chicago';
const at = (date: string, time: string) => zonedInstant(date, time, TZ);
const time = (providerId: string, date: string, start: string, minutes = 30): FreeTime => {
  const startsAt = at(date, start);
  return { providerId, startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000) };
};

// 2030-01-07 is a Monday.
const entry = (over: Partial<WaitingEntry> & { id: string }): WaitingEntry => ({
  createdAt: new Date('2030-01-01T00:00:00Z'), providerId: null, weekdays: [0, 1, 2, 3, 4, 5, 6],
  earliestTime: '00:00:00', latestTime: '24:00:00', untilOn: '2030-12-31', ...over,
});

describe('fitsEntry', () => {
  it('reads weekdays and times on the location wall clock, the visit inside the window', () => {
    const mornings = entry({ id: 'a', weekdays: [1, 3], earliestTime: '09:00:00', latestTime: '12:00:00' });
    expect(fitsEntry(mornings, time('p', '2030-01-07', '09:00'), TZ)).toBe(true); // Monday 09:00–09:30
    expect(fitsEntry(mornings, time('p', '2030-01-07', '11:30'), TZ)).toBe(true); // ends at 12:00
    expect(fitsEntry(mornings, time('p', '2030-01-07', '11:45'), TZ)).toBe(false); // ends past 12:00
    expect(fitsEntry(mornings, time('p', '2030-01-07', '08:30'), TZ)).toBe(false); // starts too early
    expect(fitsEntry(mornings, time('p', '2030-01-08', '09:00'), TZ)).toBe(false); // Tuesday
    expect(fitsEntry(mornings, time('p', '2030-01-09', '10:00'), TZ)).toBe(true); // Wednesday
  });

  it('is the location zone that decides, not UTC', () => {
    // 23:30 Monday in Chicago is Tuesday in UTC.
    const mondayNights = entry({ id: 'a', weekdays: [1], earliestTime: '23:00:00', latestTime: '24:00:00' });
    expect(fitsEntry(mondayNights, time('p', '2030-01-07', '23:30'), TZ)).toBe(true);
    expect(fitsEntry(mondayNights, time('p', '2030-01-07', '23:45'), TZ)).toBe(false); // ends after midnight
  });

  it('holds the provider chosen, and the last day', () => {
    const withAda = entry({ id: 'a', providerId: 'ada', untilOn: '2030-01-08' });
    expect(fitsEntry(withAda, time('ada', '2030-01-08', '10:00'), TZ)).toBe(true);
    expect(fitsEntry(withAda, time('bob', '2030-01-08', '10:00'), TZ)).toBe(false);
    expect(fitsEntry(withAda, time('ada', '2030-01-09', '10:00'), TZ)).toBe(false);
  });

  it('reads times with or without seconds, and 24:00', () => {
    expect(minutesOfTime('09:30')).toBe(570);
    expect(minutesOfTime('09:30:00')).toBe(570);
    expect(minutesOfTime('24:00:00')).toBe(1440);
  });
});

describe('planOffers', () => {
  const first = time('ada', '2030-01-07', '09:00');
  const second = time('ada', '2030-01-07', '09:30');
  const queue = (n: number) => Array.from({ length: n }, (_, i) => ({
    ...entry({ id: `e${i}`, createdAt: new Date(Date.UTC(2030, 0, 1, 0, i)) }), timeZone: TZ, candidates: [second, first],
  }));
  const none = { openByTime: new Map<string, number>(), holding: new Set<string>(), offeredBefore: new Set<string>() };

  it('offers the earliest time to the first `batch` entries in the order they joined, the next time to the next ones', () => {
    const entries = queue(5).reverse(); // the order given does not matter
    const plan = planOffers({ ...none, entries, batch: 3 });
    expect(plan.map((p) => [p.entryId, p.time.startsAt.toISOString()])).toEqual([
      ['e0', first.startsAt.toISOString()], ['e1', first.startsAt.toISOString()], ['e2', first.startsAt.toISOString()],
      ['e3', second.startsAt.toISOString()], ['e4', second.startsAt.toISOString()],
    ]);
  });

  it('counts offers still open, skips entries holding one, and never offers a time to an entry twice', () => {
    const entries = queue(4);
    const plan = planOffers({
      entries, batch: 2,
      openByTime: new Map([[timeKey('ada', first.startsAt), 1]]),
      holding: new Set(['e0']),
      offeredBefore: new Set([offeredKey('e1', 'ada', first.startsAt)]),
    });
    expect(plan.map((p) => [p.entryId, p.time === first ? 'first' : 'second'])).toEqual([
      ['e1', 'second'], // e1 declined or let the first time lapse once
      ['e2', 'first'], // the one place left on the first time
      ['e3', 'second'],
    ]);
  });

  it('offers nothing that does not fit', () => {
    const entries = [{ ...entry({ id: 'x', weekdays: [2] }), timeZone: TZ, candidates: [first, second] }];
    expect(planOffers({ ...none, entries, batch: 3 })).toEqual([]);
  });

  it('orders by when the entry joined, then by id', () => {
    const same = new Date('2030-01-01T00:00:00Z');
    expect([{ id: 'b', createdAt: same }, { id: 'a', createdAt: same }, { id: 'c', createdAt: new Date(0) }].sort(compareEntries).map((e) => e.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('offerState', () => {
  it('is expired once the hold has passed, even before the job says so', () => {
    const expiresAt = new Date('2030-01-07T15:15:00Z');
    expect(offerState({ status: 'offered', expiresAt }, new Date('2030-01-07T15:14:59Z'))).toBe('open');
    expect(offerState({ status: 'offered', expiresAt }, expiresAt)).toBe('expired');
    expect(offerState({ status: 'gone', expiresAt }, new Date(0))).toBe('gone');
  });
});
