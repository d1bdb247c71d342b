import 'server-only';
import { addDays, zonedDate } from '@/lib/scheduling/zoned-time';
import { cycleAtDate } from './cycles';

/**
 * Dunning, pure: when a renewal that failed is tried again. The clinic's `retryDays` (CRM → Shop,
 * default 1, 3, 7) count calendar days from the first failure of the cycle, in the clinic's zone,
 * at the renewal time of day; so with [1, 3, 7] a cycle is tried on its day, the day after, three
 * days after and seven days after, and when the last of those fails the subscription is cancelled.
 * Counting from the first failure (not from the last try) keeps the schedule the clinic wrote
 * whatever time of day the job happened to run.
 */

/** The most tries a cycle gets: its own day and one per retry day. */
export function maxAttempts(retryDays: readonly number[]): number {
  return 1 + normalisedRetryDays(retryDays).length;
}

/** Positive whole days, increasing: a setting saved out of order or with a repeat still makes a schedule. */
export function normalisedRetryDays(retryDays: readonly number[]): number[] {
  return [...new Set(retryDays.filter((d) => Number.isInteger(d) && d > 0))].sort((a, b) => a - b);
}

/**
 * When to try again after `failedAttempts` failures of the cycle (1 after the first), counted from
 * `firstFailedAt`; null when there is no retry left (the subscription is then cancelled).
 */
export function nextRetryAt(firstFailedAt: Date, failedAttempts: number, retryDays: readonly number[], timeZone: string): Date | null {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) throw new RangeError('failedAttempts must be a positive integer');
  const days = normalisedRetryDays(retryDays);
  const offset = days[failedAttempts - 1];
  if (offset === undefined) return null;
  return cycleAtDate(addDays(zonedDate(firstFailedAt, timeZone), offset), timeZone);
}

/** The whole schedule after a first failure: the retry instants, in order (the page shows them). */
export function retrySchedule(firstFailedAt: Date, retryDays: readonly number[], timeZone: string): Date[] {
  return normalisedRetryDays(retryDays).map((_, i) => nextRetryAt(firstFailedAt, i + 1, retryDays, timeZone)!);
}
