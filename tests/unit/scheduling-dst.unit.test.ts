import { describe, expect, it } from 'vitest';
import { computeFreeSlots, type WeeklyHours } from '@/lib/scheduling/slots';
import { addDays, weekdayOf, zonedInstant } from '@/lib/scheduling/zoned-time';

function local(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

function slotsOn(date: string, timeZone: string, startTime: string, endTime: string, rules?: WeeklyHours[], days = 1) {
  return computeFreeSlots({
    rules: rules ?? [{ weekday: weekdayOf(date), startTime, endTime }],
    timeOff: [],
    busy: [],
    service: { durationMinutes: 30 },
    location: { timeZone },
    settings: { minNoticeMinutes: 0, bookingHorizonDays: 365, bufferMinutes: 0 },
    from: zonedInstant(date, '00:00', timeZone),
    to: zonedInstant(addDays(date, days), '00:00', timeZone),
    now: new Date('2026-01-01T00:00:00Z'),
  });
}

function expectNoDuplicates(slots: { startsAt: Date }[]) {
  const starts = slots.map((s) => s.startsAt.getTime());
  expect(new Set(starts).size).toBe(starts.length);
}

const everyDay = (startTime: string, endTime: string): WeeklyHours[] => [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startTime, endTime }));

describe('slots across daylight-saving changes: America/New_York', () => {
  const tz = 'America/New_York';

  it('keeps 09:00 at 09:00 local across the spring-forward weekend (the UTC instant moves)', () => {
    const slots = slotsOn('2026-03-07', tz, '', '', everyDay('09:00', '09:30'), 3);
    expect(slots.map((s) => local(s.startsAt, tz))).toEqual(['09:00', '09:00', '09:00']);
    expect(slots.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z',
    ]);
  });

  it('skips the nonexistent 02:00–03:00 on 2026-03-08 and loses nothing else', () => {
    const slots = slotsOn('2026-03-08', tz, '00:00', '05:00');
    expect(slots.map((s) => local(s.startsAt, tz))).toEqual(['00:00', '00:30', '01:00', '01:30', '03:00', '03:30', '04:00', '04:30']);
    expectNoDuplicates(slots);
    // The 01:30 visit lasts 30 real minutes and ends at 03:00 daylight time.
    expect(local(slots[3]!.endsAt, tz)).toBe('03:00');
  });

  it('gives each wall time once on the fall-back day 2026-11-01', () => {
    const slots = slotsOn('2026-11-01', tz, '00:00', '04:00');
    expect(slots.map((s) => local(s.startsAt, tz))).toEqual(['00:00', '00:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30']);
    expectNoDuplicates(slots);
    expect(slots[2]!.startsAt.toISOString()).toBe('2026-11-01T05:00:00.000Z'); // 01:00 EDT, the first one
    expect(slots.every((s) => s.endsAt.getTime() - s.startsAt.getTime() === 30 * 60_000)).toBe(true);
  });

  it('keeps 09:00 at 09:00 local across the fall-back weekend', () => {
    const slots = slotsOn('2026-10-31', tz, '', '', everyDay('09:00', '09:30'), 3);
    expect(slots.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z',
    ]);
  });
});

describe('slots across daylight-saving changes: Europe/Budapest', () => {
  const tz = 'Europe/Budapest';

  it('skips the nonexistent 02:00–03:00 on 2026-03-29', () => {
    const slots = slotsOn('2026-03-29', tz, '01:00', '04:00');
    expect(slots.map((s) => local(s.startsAt, tz))).toEqual(['01:00', '01:30', '03:00', '03:30']);
    expectNoDuplicates(slots);
  });

  it('gives each wall time once on 2026-10-25', () => {
    const slots = slotsOn('2026-10-25', tz, '01:00', '04:00');
    expect(slots.map((s) => local(s.startsAt, tz))).toEqual(['01:00', '01:30', '02:00', '02:30', '03:00', '03:30']);
    expectNoDuplicates(slots);
  });

  it('keeps 09:00 at 09:00 local across both changes', () => {
    const spring = slotsOn('2026-03-28', tz, '', '', everyDay('09:00', '09:30'), 2);
    expect(spring.map((s) => s.startsAt.toISOString())).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
    const autumn = slotsOn('2026-10-24', tz, '', '', everyDay('09:00', '09:30'), 2);
    expect(autumn.map((s) => s.startsAt.toISOString())).toEqual(['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z']);
  });
});
