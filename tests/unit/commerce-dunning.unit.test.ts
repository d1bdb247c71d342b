import { describe, expect, it } from 'vitest';
import { maxAttempts, nextRetryAt, normalisedRetryDays, retrySchedule } from '@/lib/commerce/dunning';

/** The retry schedule of a failed renewal: days counted from the first failure, at the renewal time in the clinic's zone. */

const NY = 'America/New_York';
const firstFailure = new Date('2027-02-15T14:00:00Z'); // 09:00 EST

describe('dunning schedule', () => {
  it('retries 1, 3 and 7 days after the first failure at 09:00 local, then gives up', () => {
    expect(nextRetryAt(firstFailure, 1, [1, 3, 7], NY)).toEqual(new Date('2027-02-16T14:00:00Z'));
    expect(nextRetryAt(firstFailure, 2, [1, 3, 7], NY)).toEqual(new Date('2027-02-18T14:00:00Z'));
    expect(nextRetryAt(firstFailure, 3, [1, 3, 7], NY)).toEqual(new Date('2027-02-22T14:00:00Z'));
    expect(nextRetryAt(firstFailure, 4, [1, 3, 7], NY)).toBeNull();
    expect(maxAttempts([1, 3, 7])).toBe(4);
  });

  it('counts from the first failure, not the last try, whatever time the job ran', () => {
    const late = new Date('2027-02-15T22:30:00Z'); // 17:30 local
    expect(retrySchedule(late, [1, 3, 7], NY)).toEqual([
      new Date('2027-02-16T14:00:00Z'), new Date('2027-02-18T14:00:00Z'), new Date('2027-02-22T14:00:00Z'),
    ]);
  });

  it('keeps 09:00 local across the change to daylight time', () => {
    const beforeDst = new Date('2027-03-12T14:00:00Z'); // Friday 09:00 EST; DST starts Sunday 14 March
    expect(nextRetryAt(beforeDst, 1, [3], NY)).toEqual(new Date('2027-03-15T13:00:00Z')); // 09:00 EDT
  });

  it('no retry days: the first failure is the last', () => {
    expect(nextRetryAt(firstFailure, 1, [], NY)).toBeNull();
    expect(maxAttempts([])).toBe(1);
  });

  it('reads a setting saved out of order or with repeats and zeros as a clean schedule', () => {
    expect(normalisedRetryDays([7, 1, 3, 3, 0, -2])).toEqual([1, 3, 7]);
    expect(nextRetryAt(firstFailure, 1, [7, 1, 3], NY)).toEqual(new Date('2027-02-16T14:00:00Z'));
  });

  it('refuses a failure count below one', () => {
    expect(() => nextRetryAt(firstFailure, 0, [1], NY)).toThrow(RangeError);
  });
});
