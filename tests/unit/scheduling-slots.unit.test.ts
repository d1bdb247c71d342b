import { describe, expect, it } from 'vitest';
import { checkSlot, computeFreeSlots, type SlotInput } from '@/lib/scheduling/slots';
import { weekdayOf, zonedInstant } from '@/lib/scheduling/zoned-time';

const TZ = 'America/New_York';
const DAY = '2026-11-23'; // a Monday, standard time

function local(instant: Date, timeZone = TZ): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

function input(overrides: Partial<SlotInput> = {}): SlotInput {
  return {
    rules: [{ weekday: weekdayOf(DAY), startTime: '09:00:00', endTime: '12:00:00' }],
    timeOff: [],
    busy: [],
    service: { durationMinutes: 30 },
    location: { timeZone: TZ },
    settings: { minNoticeMinutes: 0, bookingHorizonDays: 365, bufferMinutes: 0 },
    from: zonedInstant(DAY, '00:00', TZ),
    to: zonedInstant('2026-11-24', '00:00', TZ),
    now: new Date('2026-11-01T00:00:00Z'),
    ...overrides,
  };
}

const at = (time: string) => zonedInstant(DAY, time, TZ);

describe('computeFreeSlots', () => {
  it('puts slots on the availability grid, stepping by the service duration', () => {
    const slots = computeFreeSlots(input());
    expect(slots.map((s) => local(s.startsAt))).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
    expect(slots[0]!.startsAt.toISOString()).toBe('2026-11-23T14:00:00.000Z');
    expect(slots.every((s) => s.endsAt.getTime() - s.startsAt.getTime() === 30 * 60_000)).toBe(true);
  });

  it('uses a finer step when asked and never runs past the end of the hours', () => {
    const slots = computeFreeSlots(input({ service: { durationMinutes: 45 }, stepMinutes: 15 }));
    expect(slots.map((s) => local(s.startsAt)).at(-1)).toBe('11:15');
    expect(slots).toHaveLength(10);
  });

  it('only uses rules of the weekday', () => {
    expect(computeFreeSlots(input({ rules: [{ weekday: (weekdayOf(DAY) + 1) % 7, startTime: '09:00', endTime: '12:00' }] }))).toEqual([]);
  });

  it('leaves out existing appointments and the buffer around them', () => {
    const busy = [{ startsAt: at('10:00'), endsAt: at('10:30') }];
    expect(computeFreeSlots(input({ busy })).map((s) => local(s.startsAt))).toEqual(['09:00', '09:30', '10:30', '11:00', '11:30']);
    const buffered = computeFreeSlots(input({ busy, settings: { minNoticeMinutes: 0, bookingHorizonDays: 365, bufferMinutes: 15 } }));
    expect(buffered.map((s) => local(s.startsAt))).toEqual(['09:00', '11:00', '11:30']);
  });

  it('leaves out time off', () => {
    const timeOff = [{ startsAt: at('09:45'), endsAt: at('11:00') }];
    expect(computeFreeSlots(input({ timeOff })).map((s) => local(s.startsAt))).toEqual(['09:00', '11:00', '11:30']);
  });

  it('respects the minimum notice', () => {
    const slots = computeFreeSlots(input({ now: at('08:10'), settings: { minNoticeMinutes: 120, bookingHorizonDays: 365, bufferMinutes: 0 } }));
    expect(slots.map((s) => local(s.startsAt))).toEqual(['10:30', '11:00', '11:30']);
  });

  it('respects the booking horizon', () => {
    const slots = computeFreeSlots(input({ now: new Date(at('10:00').getTime() - 7 * 86_400_000), settings: { minNoticeMinutes: 0, bookingHorizonDays: 7, bufferMinutes: 0 } }));
    expect(slots.map((s) => local(s.startsAt))).toEqual(['09:00', '09:30', '10:00']);
  });

  it('only returns slots starting inside [from, to)', () => {
    const slots = computeFreeSlots(input({ from: at('10:00'), to: at('11:00') }));
    expect(slots.map((s) => local(s.startsAt))).toEqual(['10:00', '10:30']);
  });
});

describe('checkSlot', () => {
  const base = () => { const { from: _f, to: _t, stepMinutes: _s, ...rest } = input(); return rest; };
  it('accepts a free time inside the hours and names what is wrong otherwise', () => {
    expect(checkSlot({ ...base(), startsAt: at('09:00') })).toBeNull();
    expect(checkSlot({ ...base(), startsAt: at('11:45') })).toBe('outside-hours');
    expect(checkSlot({ ...base(), startsAt: at('08:30') })).toBe('outside-hours');
    expect(checkSlot({ ...base(), now: at('09:00'), startsAt: at('09:30'), settings: { minNoticeMinutes: 60, bookingHorizonDays: 30, bufferMinutes: 0 } })).toBe('too-soon');
    expect(checkSlot({ ...base(), now: new Date('2026-01-01T00:00:00Z'), startsAt: at('09:30'), settings: { minNoticeMinutes: 0, bookingHorizonDays: 30, bufferMinutes: 0 } })).toBe('beyond-horizon');
    expect(checkSlot({ ...base(), timeOff: [{ startsAt: at('09:00'), endsAt: at('09:10') }], startsAt: at('09:00') })).toBe('time-off');
    expect(checkSlot({ ...base(), busy: [{ startsAt: at('09:15'), endsAt: at('09:45') }], startsAt: at('09:00') })).toBe('slot-taken');
  });
});
