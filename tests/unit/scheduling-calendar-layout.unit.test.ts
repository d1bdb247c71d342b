import { describe, expect, it } from 'vitest';
import { assignLanes, axisHours, buildAxis, dayBounds, place, rowAt, rowPosition } from '@/lib/scheduling/calendar-layout';
import { zonedInstant } from '@/lib/scheduling/zoned-time';

/**
 * The staff calendar's geometry (lib/scheduling/calendar-layout.ts): rows from zoned instants, so
 * New York's spring-forward day (2030-03-10) has 23 hours and its fall-back day (2030-11-03) 25,
 * visits placed to scale, and overlapping visits side by side.
 */

const NY = 'America/New_York';
const ny = (date: string, time: string) => zonedInstant(date, time, NY);
const span = (date: string, from: string, to: string) => ({ startsAt: ny(date, from), endsAt: ny(date, to) });
const wholeDay = (date: string) => dayBounds(date, NY);

describe('axis', () => {
  it('spans at least 08:00–18:00 in 15-minute rows, each on its zoned instant', () => {
    const axis = buildAxis(['2030-03-05'], NY, []);
    expect(axis.rows).toHaveLength(40);
    expect(axis.rows[0]).toEqual({ time: '08:00', repeat: 0, hour: true });
    expect(axis.rows[1]).toEqual({ time: '08:15', repeat: 0, hour: false });
    expect(axis.rows.at(-1)?.time).toBe('17:45');
    expect(axis.instants.get('2030-03-05')![4]).toEqual(ny('2030-03-05', '09:00'));
  });

  it('widens to whole hours around hours, visits and time off, clipped to the day', () => {
    expect(axisHours(['2030-03-05'], NY, [span('2030-03-05', '07:30', '19:15')])).toEqual({ startHour: 7, endHour: 20 });
    // Time off from the day before to noon starts the axis at midnight; a visit ending at midnight ends it at 24.
    expect(axisHours(['2030-03-05'], NY, [{ startsAt: ny('2030-03-04', '20:00'), endsAt: ny('2030-03-05', '12:00') }]).startHour).toBe(0);
    expect(axisHours(['2030-03-05'], NY, [span('2030-03-05', '23:00', '23:59'), { startsAt: ny('2030-03-05', '23:30'), endsAt: ny('2030-03-06', '00:00') }]).endHour).toBe(24);
    // Another day's interval does not widen this one.
    expect(axisHours(['2030-03-05'], NY, [span('2030-03-06', '06:00', '07:00')])).toEqual({ startHour: 8, endHour: 18 });
  });

  it('has 23 hours of rows on the spring-forward day, without the 02:00 hour', () => {
    const axis = buildAxis(['2030-03-10'], NY, [wholeDay('2030-03-10')]);
    expect(axis.rows).toHaveLength(23 * 4);
    expect(axis.rows.map((r) => r.time)).not.toContain('02:00');
    expect(axis.rows[8]).toMatchObject({ time: '03:00', hour: true });
    expect(rowPosition(ny('2030-03-10', '03:00'), axis.instants.get('2030-03-10')!)).toBe(8);
    // 01:30 EST to 03:30 EDT is one real hour: four rows.
    expect(place({ startsAt: ny('2030-03-10', '01:30'), endsAt: ny('2030-03-10', '03:30') }, axis.instants.get('2030-03-10')!)).toEqual({ top: 6, span: 4 });
  });

  it('has 25 hours of rows on the fall-back day, the repeated hour marked and in order', () => {
    const axis = buildAxis(['2030-11-03'], NY, [wholeDay('2030-11-03')]);
    expect(axis.rows).toHaveLength(25 * 4);
    expect(axis.rows.slice(4, 12).map((r) => `${r.time}#${r.repeat}`)).toEqual([
      '01:00#0', '01:15#0', '01:30#0', '01:45#0', '01:00#1', '01:15#1', '01:30#1', '01:45#1',
    ]);
    const instants = axis.instants.get('2030-11-03')!;
    const secondOneThirty = new Date('2030-11-03T06:30:00Z'); // 01:30 EST
    expect(rowPosition(secondOneThirty, instants)).toBe(10);
    expect(rowPosition(new Date('2030-11-03T05:30:00Z'), instants)).toBe(6); // 01:30 EDT
    expect(rowPosition(ny('2030-11-03', '02:00'), instants)).toBe(12);
  });

  it('shares the longest day’s rows across a week; other days have gaps for the repeated hour', () => {
    const days = ['2030-10-28', '2030-10-29', '2030-10-30', '2030-10-31', '2030-11-01', '2030-11-02', '2030-11-03'];
    const axis = buildAxis(days, NY, days.map(wholeDay));
    expect(axis.rows).toHaveLength(100);
    const friday = axis.instants.get('2030-11-01')!;
    expect(friday.filter((i) => i === null)).toHaveLength(4);
    expect(friday.slice(8, 12)).toEqual([null, null, null, null]);
    // 02:00 on Friday sits on the same row as 02:00 on Sunday.
    expect(rowPosition(ny('2030-11-01', '02:00'), friday)).toBe(12);
    // A Friday visit across the gap is drawn from wall time to wall time.
    expect(place(span('2030-11-01', '01:30', '02:30'), friday)).toEqual({ top: 6, span: 8 });
  });
});

describe('placing visits', () => {
  const instants = buildAxis(['2030-03-05'], NY, []).instants.get('2030-03-05')!;

  it('puts the top at the start and the height at the duration, off-grid starts included', () => {
    expect(place(span('2030-03-05', '09:00', '09:30'), instants)).toEqual({ top: 4, span: 2 });
    const offGrid = place(span('2030-03-05', '09:10', '09:30'), instants)!;
    expect(offGrid.top).toBeCloseTo(4 + 10 / 15, 9);
    expect(offGrid.span).toBeCloseTo(20 / 15, 9);
  });

  it('clips to the axis and drops what is wholly outside it', () => {
    expect(place(span('2030-03-05', '17:30', '19:00'), instants)).toEqual({ top: 38, span: 2 });
    expect(place(span('2030-03-05', '06:00', '07:00'), instants)).toBeNull();
    expect(place(span('2030-03-05', '18:00', '19:00'), instants)).toBeNull();
  });

  it('finds the row and offset of "now", none off the axis', () => {
    expect(rowAt(ny('2030-03-05', '09:20'), instants)).toEqual({ row: 5, offset: 1 / 3 });
    expect(rowAt(ny('2030-03-05', '19:00'), instants)).toBeNull();
  });
});

describe('lanes', () => {
  it('puts overlapping visits side by side, a cluster sharing one width, and reuses freed lanes', () => {
    const a = span('2030-03-05', '09:00', '10:00');
    const b = span('2030-03-05', '09:30', '10:30');
    const c = span('2030-03-05', '10:00', '11:00');
    const d = span('2030-03-05', '11:00', '12:00');
    const lanes = assignLanes([d, c, b, a]);
    expect(lanes.get(a)).toEqual({ lane: 0, lanes: 2 });
    expect(lanes.get(b)).toEqual({ lane: 1, lanes: 2 });
    expect(lanes.get(c)).toEqual({ lane: 0, lanes: 2 });
    expect(lanes.get(d)).toEqual({ lane: 0, lanes: 1 });
  });

  it('gives three lanes to three visits at once', () => {
    const items = [0, 1, 2].map(() => span('2030-03-05', '09:00', '09:30'));
    const lanes = assignLanes(items);
    expect(items.map((i) => lanes.get(i))).toEqual([{ lane: 0, lanes: 3 }, { lane: 1, lanes: 3 }, { lane: 2, lanes: 3 }]);
  });
});
