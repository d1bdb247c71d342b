import 'server-only';
import { createHash } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { hitRateLimit } from '@/lib/security/rate-limit';
import { AUTH_POLICY } from './policy';

/**
 * Failed sign-ins are counted per identifier (what was typed), whether or not an account
 * exists, so the lock message cannot be used to find out which accounts exist.
 * 10 failures within 15 minutes lock the identifier for 15 minutes from the 10th.
 */

export function lockoutKey(scope: string, tenantId: string | null, identifier: string): string {
  const digest = createHash('sha256').update(identifier).digest('hex').slice(0, 32);
  return `${scope}:${tenantId ?? 'platform'}:${digest}`;
}

export async function lockRemainingSeconds(db: Executor, key: string): Promise<number> {
  const [lock] = await db.select().from(rateLimits).where(eq(rateLimits.key, `lock:${key}`));
  if (!lock) return 0;
  const until = addSeconds(lock.windowStart, AUTH_POLICY.lockSeconds).getTime();
  return Math.max(0, Math.ceil((until - clockNow().getTime()) / 1000));
}

/** Counts one failure; returns how long the identifier is now locked (0 when it is not). */
export async function recordSignInFailure(db: Executor, key: string): Promise<number> {
  const at = clockNow();
  const failures = await hitRateLimit(db, `fail:${key}`, {
    limit: AUTH_POLICY.failedSignInsBeforeLock,
    windowSeconds: AUTH_POLICY.lockSeconds,
    now: at,
  });
  if (failures.count < AUTH_POLICY.failedSignInsBeforeLock) return 0;
  await db
    .insert(rateLimits)
    .values({ key: `lock:${key}`, windowStart: at, count: 1 })
    .onConflictDoUpdate({ target: rateLimits.key, set: { windowStart: at, count: 1 } });
  await db.delete(rateLimits).where(eq(rateLimits.key, `fail:${key}`));
  return AUTH_POLICY.lockSeconds;
}

/** After a successful sign-in, or when staff unlock an account. */
export async function clearSignInFailures(db: Executor, key: string): Promise<void> {
  await db.delete(rateLimits).where(inArray(rateLimits.key, [`fail:${key}`, `lock:${key}`]));
}

export function minutesFromSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/**
 * Claims one of the 10 attempts before the password is checked, so a burst of requests cannot
 * all pass a lock check that is only written after the slow hash. Undo with releaseSignInAttempt.
 */
export async function claimSignInAttempt(db: Executor, key: string): Promise<{ lockedFor: number; count: number }> {
  const lockedFor = await lockRemainingSeconds(db, key);
  if (lockedFor > 0) return { lockedFor, count: 0 };
  const at = clockNow();
  const hit = await hitRateLimit(db, `fail:${key}`, { limit: AUTH_POLICY.failedSignInsBeforeLock, windowSeconds: AUTH_POLICY.lockSeconds, now: at });
  if (!hit.allowed) return { lockedFor: (await lockRemainingSeconds(db, key)) || hit.retryAfterSeconds, count: hit.count };
  return { lockedFor: 0, count: hit.count };
}

export async function releaseSignInAttempt(db: Executor, key: string): Promise<void> {
  await db.update(rateLimits).set({ count: sql`greatest(${rateLimits.count} - 1, 0)` }).where(eq(rateLimits.key, `fail:${key}`));
}

/** The claimed attempt failed: lock when it was the last one allowed. */
export async function lockIfLastAttempt(db: Executor, key: string, count: number): Promise<number> {
  if (count < AUTH_POLICY.failedSignInsBeforeLock) return 0;
  const at = clockNow();
  await db.insert(rateLimits).values({ key: `lock:${key}`, windowStart: at, count: 1 })
    .onConflictDoUpdate({ target: rateLimits.key, set: { windowStart: at, count: 1 } });
  await db.delete(rateLimits).where(eq(rateLimits.key, `fail:${key}`));
  return AUTH_POLICY.lockSeconds;
}
