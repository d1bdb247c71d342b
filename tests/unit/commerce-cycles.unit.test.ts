import { describe, expect, it } from 'vitest';
import { addInterval, anchorDayOf, nextCycleAt, phaseForCycle, totalCycles } from '@/lib/commerce/cycles';

const phases = [
  { position: 0, unitAmount: 9900, intervalUnit: 'month' as const, intervalCount: 1, cycles: 1 },
  { position: 1, unitAmount: 14900, intervalUnit: 'month' as const, intervalCount: 1, cycles: null },
];

describe('phaseForCycle', () => {
  it('charges the first phase first, then the repeating one for ever', () => {
    expect(phaseForCycle(phases, 1)).toMatchObject({ phase: { unitAmount: 9900 }, cycleInPhase: 1 });
    expect(phaseForCycle(phases, 2)).toMatchObject({ phase: { unitAmount: 14900 }, cycleInPhase: 1 });
    expect(phaseForCycle(phases, 40)).toMatchObject({ phase: { unitAmount: 14900 }, cycleInPhase: 39 });
    expect(totalCycles(phases)).toBeNull();
  });
  it('ends after the last phase when every phase has a count ("3 cycles then ends")', () => {
    const three = [{ position: 0, unitAmount: 5000, intervalUnit: 'month' as const, intervalCount: 1, cycles: 3 }];
    expect(phaseForCycle(three, 3)).toMatchObject({ cycleInPhase: 3 });
    expect(phaseForCycle(three, 4)).toBeNull();
    expect(totalCycles(three)).toBe(3);
  });
  it('reads phases in position order whatever order they come in', () => {
    expect(phaseForCycle([...phases].reverse(), 1)?.phase.unitAmount).toBe(9900);
  });
});

describe('addInterval', () => {
  it('keeps the 31st as the last day of short months and returns to it', () => {
    expect(addInterval('2027-01-31', 'month', 1, 31)).toBe('2027-02-28');
    expect(addInterval('2027-02-28', 'month', 1, 31)).toBe('2027-03-31');
    expect(addInterval('2028-01-31', 'month', 1, 31)).toBe('2028-02-29');
    expect(addInterval('2027-08-31', 'month', 1, 31)).toBe('2027-09-30');
  });
  it('crosses the year and counts weeks, days and years', () => {
    expect(addInterval('2026-12-15', 'month', 1, 15)).toBe('2027-01-15');
    expect(addInterval('2026-11-30', 'month', 3, 30)).toBe('2027-02-28');
    expect(addInterval('2026-12-29', 'week', 1, 29)).toBe('2027-01-05');
    expect(addInterval('2026-12-31', 'day', 1, 31)).toBe('2027-01-01');
    expect(addInterval('2028-02-29', 'year', 1, 29)).toBe('2029-02-28');
  });
});

describe('nextCycleAt', () => {
  const tz = 'America/New_York';
  it('keeps the clinic’s renewal time across the spring DST change', () => {
    const march = new Date('2027-02-14T14:00:00Z'); // 09:00 EST
    const next = nextCycleAt(march, { intervalUnit: 'month', intervalCount: 1 }, 14, tz);
    expect(next.toISOString()).toBe('2027-03-14T13:00:00.000Z'); // 09:00 EDT
  });
  it('keeps it across the autumn change too, for weekly cycles', () => {
    const before = new Date('2027-11-01T13:00:00Z'); // 09:00 EDT Monday
    expect(nextCycleAt(before, { intervalUnit: 'week', intervalCount: 1 }, 1, tz).toISOString()).toBe('2027-11-08T14:00:00.000Z');
  });
  it('uses the clinic’s calendar date, not UTC’s, for the anchor', () => {
    // 23:30 on Jan 31 in New York is already Feb 1 in UTC.
    const late = new Date('2027-02-01T04:30:00Z');
    expect(anchorDayOf(late, tz)).toBe(31);
    expect(nextCycleAt(late, { intervalUnit: 'month', intervalCount: 1 }, 31, tz).toISOString()).toBe('2027-02-28T14:00:00.000Z');
  });
});
