import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterQuietHours, throttleSlots, type QuietHours } from '@/lib/engagement/campaigns/quiet-hours';
import { zonedTime } from '@/lib/scheduling/zoned-time';

/**
 * Issue 18, point 6: quiet hours on the patient's wall clock, across zones and daylight-saving
 * changes (America/Chicago: 2026-03-08 02:00 CST → 03:00 CDT, 2026-11-01 02:00 CDT → 01:00 CST;
 * Europe/Budapest: 2026-03-29 02:00 → 03:00, 2026-10-25 03:00 → 02:00; Asia/Kolkata: +05:30, none),
 * and the throttle's slots.
 */

const NIGHT: QuietHours = { quietStart: '21:00', quietEnd: '08:00' };
const LUNCH: QuietHours = { quietStart: '13:00', quietEnd: '14:00' };
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('afterQuietHours: a window across midnight (21:00–08:00)', () => {
  it.each([
    // [zone, instant (UTC), expected (UTC), what it is locally]
    ['America/Chicago', '2026-01-10T04:00:00.000Z', '2026-01-10T14:00:00.000Z', '22:00 CST → 08:00 CST the next morning'],
    ['America/Chicago', '2026-01-10T08:00:00.000Z', '2026-01-10T14:00:00.000Z', '02:00 CST, after midnight → 08:00 the same day'],
    ['America/Chicago', '2026-01-10T13:59:00.000Z', '2026-01-10T14:00:00.000Z', '07:59 → 08:00'],
    ['America/Chicago', '2026-01-10T03:00:00.000Z', '2026-01-10T14:00:00.000Z', '21:00 CST exactly: quiet has begun → 08:00'],
    ['America/Chicago', '2026-03-08T04:00:00.000Z', '2026-03-08T13:00:00.000Z', '22:00 CST Mar 7 → 08:00 CDT (a 9-hour night)'],
    ['America/Chicago', '2026-11-01T03:00:00.000Z', '2026-11-01T14:00:00.000Z', '22:00 CDT Oct 31 → 08:00 CST (an 11-hour night)'],
    ['America/Chicago', '2026-11-01T06:30:00.000Z', '2026-11-01T14:00:00.000Z', '01:30 CDT, the first of two → 08:00 CST'],
    ['America/Chicago', '2026-11-01T07:30:00.000Z', '2026-11-01T14:00:00.000Z', '01:30 CST, the second → 08:00 CST'],
    ['Europe/Budapest', '2026-03-28T21:00:00.000Z', '2026-03-29T06:00:00.000Z', '22:00 CET → 08:00 CEST'],
    ['Europe/Budapest', '2026-10-24T20:00:00.000Z', '2026-10-25T07:00:00.000Z', '22:00 CEST → 08:00 CET'],
    ['Asia/Kolkata', '2026-01-10T18:15:00.000Z', '2026-01-11T02:30:00.000Z', '23:45 IST → 08:00 IST'],
    ['Asia/Kolkata', '2026-01-11T02:29:00.000Z', '2026-01-11T02:30:00.000Z', '07:59 IST → 08:00 IST'],
  ])('%s %s → %s (%s)', (zone, instant, expected, _what) => {
    expect(iso(afterQuietHours(at(instant), zone, NIGHT))).toBe(expected);
  });

  it.each([
    ['America/Chicago', '2026-01-10T02:59:00.000Z', '20:59 CST'],
    ['America/Chicago', '2026-01-10T14:00:00.000Z', '08:00 CST: quiet has ended'],
    ['America/Chicago', '2026-03-08T13:00:00.000Z', '08:00 CDT on the change day'],
    ['America/Chicago', '2026-03-08T13:30:00.000Z', '08:30 CDT (14:30 UTC would be 08:30 in winter)'],
    ['Europe/Budapest', '2026-03-29T06:00:00.000Z', '08:00 CEST'],
    ['Asia/Kolkata', '2026-01-10T15:29:00.000Z', '20:59 IST'],
  ])('%s %s is sendable as it is (%s)', (zone, instant) => {
    expect(iso(afterQuietHours(at(instant), zone, NIGHT))).toBe(instant);
  });

  it("is the patient's zone that counts: one instant, quiet in one zone, not in another", () => {
    const instant = at('2026-06-15T03:00:00.000Z'); // 22:00 CDT, 05:00 CEST, 08:30 IST
    expect(iso(afterQuietHours(instant, 'America/Chicago', NIGHT))).toBe('2026-06-15T13:00:00.000Z');
    expect(iso(afterQuietHours(instant, 'Europe/Budapest', NIGHT))).toBe('2026-06-15T06:00:00.000Z');
    expect(iso(afterQuietHours(instant, 'Asia/Kolkata', NIGHT))).toBe(iso(instant));
  });
});

describe('afterQuietHours: a window inside one day (13:00–14:00)', () => {
  it.each([
    ['America/Chicago', '2026-03-08T18:30:00.000Z', '2026-03-08T19:00:00.000Z', '13:30 CDT on the change day → 14:00 CDT'],
    ['America/Chicago', '2026-11-01T19:00:00.000Z', '2026-11-01T20:00:00.000Z', '13:00 CST → 14:00 CST'],
    ['Europe/Budapest', '2026-10-25T12:59:00.000Z', '2026-10-25T13:00:00.000Z', '13:59 CET → 14:00 CET'],
    ['Asia/Kolkata', '2026-01-10T08:00:00.000Z', '2026-01-10T08:30:00.000Z', '13:30 IST → 14:00 IST'],
  ])('%s %s → %s (%s)', (zone, instant, expected) => {
    expect(iso(afterQuietHours(at(instant), zone, LUNCH))).toBe(expected);
  });

  it.each([
    ['Asia/Kolkata', '2026-01-10T07:29:00.000Z', '12:59 IST'],
    ['Asia/Kolkata', '2026-01-10T08:30:00.000Z', '14:00 IST'],
    ['America/Chicago', '2026-01-10T04:00:00.000Z', '22:00 CST: night is not lunch'],
  ])('%s %s is sendable (%s)', (zone, instant) => {
    expect(iso(afterQuietHours(at(instant), zone, LUNCH))).toBe(instant);
  });
});

describe('afterQuietHours: ends that fall on a change', () => {
  it('an end skipped by spring-forward ends the window at the jump (Chicago 22:00–02:30)', () => {
    const window = { quietStart: '22:00', quietEnd: '02:30' };
    // 23:00 CST Mar 7; 02:30 does not exist on Mar 8: the clock jumps from 02:00 CST to 03:00 CDT at 08:00 UTC.
    expect(iso(afterQuietHours(at('2026-03-08T05:00:00.000Z'), 'America/Chicago', window))).toBe('2026-03-08T08:00:00.000Z');
  });

  it('finds a half-hour jump too (Lord Howe, 02:00 → 02:30)', () => {
    const window = { quietStart: '22:00', quietEnd: '02:15' };
    // 23:00 +10:30 on Oct 3; at 15:30 UTC the clock goes from 02:00 to 02:30 (+11:00).
    expect(iso(afterQuietHours(at('2026-10-03T12:30:00.000Z'), 'Australia/Lord_Howe', window))).toBe('2026-10-03T15:30:00.000Z');
  });

  it('an end that happens twice ends the window the first time; the repeated hour waits for the second (Chicago 22:00–01:30)', () => {
    const window = { quietStart: '22:00', quietEnd: '01:30' };
    expect(iso(afterQuietHours(at('2026-11-01T04:00:00.000Z'), 'America/Chicago', window))).toBe('2026-11-01T06:30:00.000Z'); // 23:00 CDT → 01:30 CDT
    expect(iso(afterQuietHours(at('2026-11-01T06:40:00.000Z'), 'America/Chicago', window))).toBe('2026-11-01T06:40:00.000Z'); // 01:40 CDT: outside
    expect(iso(afterQuietHours(at('2026-11-01T07:10:00.000Z'), 'America/Chicago', window))).toBe('2026-11-01T07:30:00.000Z'); // 01:10 CST → 01:30 CST
  });

  it('the same in Budapest, where the zone library resolves a repeated wall time to its second occurrence (23:00–02:30)', () => {
    const window = { quietStart: '23:00', quietEnd: '02:30' };
    expect(iso(afterQuietHours(at('2026-10-24T21:30:00.000Z'), 'Europe/Budapest', window))).toBe('2026-10-25T00:30:00.000Z'); // 23:30 CEST → 02:30 CEST
    expect(iso(afterQuietHours(at('2026-10-25T01:10:00.000Z'), 'Europe/Budapest', window))).toBe('2026-10-25T01:30:00.000Z'); // 02:10 CET → 02:30 CET
  });
});

describe('afterQuietHours: settings', () => {
  it('equal ends turn quiet hours off', () => {
    const instant = at('2026-01-10T04:00:00.000Z');
    expect(afterQuietHours(instant, 'America/Chicago', { quietStart: '21:00', quietEnd: '21:00' })).toBe(instant);
  });

  it.each(['24:00', '8:00', '08:60', '', '08:00:00'])('refuses %j as a time', (bad) => {
    expect(() => afterQuietHours(at('2026-01-10T04:00:00.000Z'), 'America/Chicago', { quietStart: '21:00', quietEnd: bad })).toThrow(RangeError);
  });
});

describe('afterQuietHours: properties', () => {
  const zones = ['America/Chicago', 'Europe/Budapest', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/New_York', 'Pacific/Auckland'];
  const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const minuteOf = (d: Date, zone: string) => {
    const [h, m] = zonedTime(d, zone).split(':').map(Number) as [number, number];
    return h * 60 + m;
  };
  const inside = (minute: number, q: QuietHours) => {
    const [s, e] = [q.quietStart, q.quietEnd].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
    if (s === e) return false;
    return s! < e! ? minute >= s! && minute < e! : minute >= s! || minute < e!;
  };

  it('the answer is outside the window, never earlier, and every minute before it was inside', () => {
    fc.assert(fc.property(
      fc.constantFrom(...zones),
      // Whole minutes through 2026, both change seasons included.
      fc.integer({ min: 0, max: 365 * 24 * 60 }).map((m) => new Date(Date.UTC(2026, 0, 1) + m * 60_000)),
      hhmm, hhmm,
      (zone, instant, quietStart, quietEnd) => {
        const quiet = { quietStart, quietEnd };
        const result = afterQuietHours(instant, zone, quiet);
        expect(result.getTime()).toBeGreaterThanOrEqual(instant.getTime());
        expect(inside(minuteOf(result, zone), quiet)).toBe(false);
        // Under a day (plus a change's hour) and quiet all the way.
        expect(result.getTime() - instant.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
        for (let t = instant.getTime(); t < result.getTime(); t += 60_000) expect(inside(minuteOf(new Date(t), zone), quiet)).toBe(true);
      },
    ), { numRuns: 150 });
  });
});

describe('throttleSlots', () => {
  const start = at('2026-05-04T09:00:00.000Z');

  it('spreads sends at the rate: 600 a minute is one every 100 ms', () => {
    expect(throttleSlots(start, 600, 4).map((d) => d.getTime() - start.getTime())).toEqual([0, 100, 200, 300]);
  });

  it('a slow rate: 2 a minute is one every 30 s', () => {
    expect(throttleSlots(start, 2, 3).map(iso)).toEqual(['2026-05-04T09:00:00.000Z', '2026-05-04T09:00:30.000Z', '2026-05-04T09:01:00.000Z']);
  });

  it('a rate that does not divide a minute rounds each slot down, without drift', () => {
    const slots = throttleSlots(start, 7, 8).map((d) => d.getTime() - start.getTime());
    expect(slots).toEqual([0, 8571, 17142, 25714, 34285, 42857, 51428, 60000]);
    // Exactly `rate` sends in each minute.
    expect(throttleSlots(start, 7, 70).filter((d) => d.getTime() < start.getTime() + 60_000)).toHaveLength(7);
  });

  it('batches continue one sequence', () => {
    const whole = throttleSlots(start, 13, 10).map(iso);
    expect([...throttleSlots(start, 13, 4), ...throttleSlots(start, 13, 6, 4)].map(iso)).toEqual(whole);
  });

  it('nothing to send: no slots', () => {
    expect(throttleSlots(start, 600, 0)).toEqual([]);
  });

  it.each([[0, 1, 0], [-5, 1, 0], [Number.NaN, 1, 0], [600, -1, 0], [600, 1.5, 0], [600, 1, -1]])('refuses rate %s, count %s, first %s', (rate, count, first) => {
    expect(() => throttleSlots(start, rate, count, first)).toThrow(RangeError);
  });
});
