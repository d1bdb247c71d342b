import 'server-only';
import { eq, sql } from 'drizzle-orm';
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
