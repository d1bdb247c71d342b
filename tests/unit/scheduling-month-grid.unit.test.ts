import { describe, expect, it } from 'vitest';
import {
  addMonths, dayPartOf, groupByDayPart, isCalendarDate, isMonth, lastDateOf, monthDates, monthWeeks, weekStartFor,
} from '@/lib/scheduling/month-grid';

describe('month grid', () => {
  it('fills the first and last weeks with the neighbouring months, weeks starting on Sunday', () => {
    // March 2030 starts on a Friday and ends on a Sunday.
    const weeks = monthWeeks('2030-03', 0);
    expect(weeks).toHaveLength(6);
    expect(weeks[0]).toEqual(['2030-02-24', '2030-02-25', '2030-02-26', '2030-02-27', '2030-02-28', '2030-03-01', '2030-03-02']);
    expect(weeks.at(-1)).toEqual(['2030-03-31', '2030-04-01', '2030-04-02', '2030-04-03', '2030-04-04', '2030-04-05', '2030-04-06']);
    expect(weeks.flat().filter((d) => d.startsWith('2030-03'))).toEqual(monthDates('2030-03'));
  });

  it('starts weeks on Monday when asked, and needs no filler when the month fits', () => {
    const weeks = monthWeeks('2030-03', 1);
    expect(weeks).toHaveLength(5);
    expect(weeks[0]![0]).toBe('2030-02-25');
    expect(weeks.at(-1)!.at(-1)).toBe('2030-03-31');
    // February 2026 starts on a Sunday and has 28 days: exactly four Sunday weeks.
    expect(monthWeeks('2026-02', 0)).toHaveLength(4);
    expect(monthWeeks('2026-02', 1)).toHaveLength(5);
  });

  it('knows month lengths, leap years and month arithmetic across years', () => {
    expect(monthDates('2028-02')).toHaveLength(29);
    expect(monthDates('2030-02')).toHaveLength(28);
    expect(lastDateOf('2030-12')).toBe('2030-12-31');
    expect(addMonths('2030-12', 1)).toBe('2031-01');
    expect(addMonths('2030-01', -1)).toBe('2029-12');
    expect(addMonths('2030-05', 14)).toBe('2031-07');
  });

  it('accepts only real months and dates', () => {
    expect(isMonth('2030-03')).toBe(true);
    expect(isMonth('2030-13')).toBe(false);
    expect(isMonth('2030-3')).toBe(false);
    expect(isCalendarDate('2030-02-28')).toBe(true);
    expect(isCalendarDate('2030-02-30')).toBe(false);
    expect(isCalendarDate(undefined)).toBe(false);
  });

  it('takes the first weekday from the language’s region', () => {
    expect(weekStartFor('en-US')).toBe(0);
    expect(weekStartFor('es-US')).toBe(0);
    expect(weekStartFor('en-GB')).toBe(1);
    expect(weekStartFor('es-ES')).toBe(1);
    expect(weekStartFor('not a tag')).toBe(0);
  });
});

describe('parts of the day', () => {
  it('splits at noon and at 17:00', () => {
    expect(['00:00', '11:59', '12:00', '16:59', '17:00', '23:30'].map(dayPartOf)).toEqual(['morning', 'morning', 'afternoon', 'afternoon', 'evening', 'evening']);
  });

  it('groups items in order, leaving empty parts empty', () => {
    const times = ['08:00', '08:30', '12:15', '13:00'];
    expect(groupByDayPart(times, (t) => t)).toEqual({ morning: ['08:00', '08:30'], afternoon: ['12:15', '13:00'], evening: [] });
  });
});
