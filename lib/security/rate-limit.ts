import 'server-only';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { now as clockNow } from '@/lib/clock';

/**
 * Fixed-window counters in Postgres (`rate_limits`), because the app runs on many stateless
 * instances: a counter in memory would give each instance its own allowance.
 * Keys name what is limited, for example `sign-in:ip:203.0.113.7` or `sms:account:<id>`.
 */

export interface RateLimitOptions {
  limit: number;
  windowSeconds: number;
  /** Defaults to lib/clock. The database's clock is never read, so a test's clock governs. */
  now?: Date;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  /** 0 when allowed; otherwise whole seconds until the window resets (at least 1). */
  retryAfterSeconds: number;
}

/**
 * Counts one hit and says whether it is within the limit. One INSERT ... ON CONFLICT DO UPDATE:
 * Postgres takes the row lock for it, so concurrent hits on one key never lose an increment and
 * never both see the same count (a read-then-write would let a burst through).
 */
export async function hitRateLimit(db: Executor, key: string, opts: RateLimitOptions): Promise<RateLimitResult> {
  const { now, cutoff } = windowBounds(opts);
  // In DO UPDATE, `rate_limits.col` is the existing row's value and every SET reads the old row,
  // so the two CASEs agree on whether the window had expired.
  const expired = sql`${rateLimits.windowStart} <= ${cutoff.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${expired} then ${now.toISOString()}::timestamptz else ${rateLimits.windowStart} end`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
  return toResult(row!.count, row!.windowStart, opts, now, row!.count <= opts.limit);
}

/**
 * Counts one hit only if it is within the limit, and says whether it was. Unlike hitRateLimit a
 * refusal leaves the counter alone, so callers with different limits on one key (the SMS
 * ceilings: queued messages may use less of an hour than sign-in codes) do not push each other
 * over by asking. One conditional INSERT ... ON CONFLICT DO UPDATE ... WHERE: atomic under the
 * row lock, so a burst never takes more than the limit. `windowStart` names the window counted
 * in (giveBackRateLimitHit needs it).
 */
export async function takeRateLimit(db: Executor, key: string, opts: RateLimitOptions): Promise<RateLimitResult & { windowStart: Date }> {
  const { now, cutoff } = windowBounds(opts);
  const expired = sql`${rateLimits.windowStart} <= ${cutoff.toISOString()}::timestamptz`;
  const [row] = opts.limit < 1 ? [] : await db
    .insert(rateLimits)
    .values({ key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${expired} then ${now.toISOString()}::timestamptz else ${rateLimits.windowStart} end`,
      },
      setWhere: sql`${expired} or ${rateLimits.count} < ${opts.limit}`,
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
  if (row) return { ...toResult(row.count, row.windowStart, opts, now, true), windowStart: row.windowStart };
  const [current] = await db.select({ count: rateLimits.count, windowStart: rateLimits.windowStart }).from(rateLimits).where(eq(rateLimits.key, key));
  const windowStart = current?.windowStart ?? now;
  return { ...toResult(current?.count ?? 0, windowStart, opts, now, false), windowStart };
}

/**
 * Takes back a hit counted in the window that started at `windowStart` (the action it allowed did
 * not happen: the SMS provider refused the message). A new window since then is left alone.
 */
export async function giveBackRateLimitHit(db: Executor, key: string, windowStart: Date): Promise<void> {
  await db
    .update(rateLimits)
    .set({ count: sql`${rateLimits.count} - 1` })
    .where(and(eq(rateLimits.key, key), eq(rateLimits.windowStart, windowStart), gt(rateLimits.count, 0)));
}

/** Reads a counter without counting: `allowed` says whether one more hit would be allowed. */
export async function peekRateLimit(db: Executor, key: string, opts: RateLimitOptions): Promise<RateLimitResult> {
  const { now, cutoff } = windowBounds(opts);
  const [row] = await db
    .select({ count: rateLimits.count, windowStart: rateLimits.windowStart })
    .from(rateLimits)
    .where(eq(rateLimits.key, key));
  if (!row || row.windowStart <= cutoff) return { allowed: true, count: 0, retryAfterSeconds: 0 };
  return toResult(row.count, row.windowStart, opts, now, row.count < opts.limit);
}

/** Forgets a counter, for example the failed-sign-in count after a successful sign-in. */
export async function clearRateLimit(db: Executor, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

function windowBounds(opts: RateLimitOptions): { now: Date; cutoff: Date } {
  if (!Number.isInteger(opts.windowSeconds) || opts.windowSeconds <= 0) {
    throw new RangeError('windowSeconds must be a positive integer');
  }
  if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new RangeError('limit must be a non-negative integer');
  const now = opts.now ?? clockNow();
  return { now, cutoff: new Date(now.getTime() - opts.windowSeconds * 1000) };
}

function toResult(count: number, windowStart: Date, opts: RateLimitOptions, now: Date, allowed: boolean): RateLimitResult {
  if (allowed) return { allowed, count, retryAfterSeconds: 0 };
  const resetsAt = windowStart.getTime() + opts.windowSeconds * 1000;
  return { allowed, count, retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now.getTime()) / 1000)) };
}
