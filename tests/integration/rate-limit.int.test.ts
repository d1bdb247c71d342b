import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { clearRateLimit, hitRateLimit, peekRateLimit } from '@/lib/security/rate-limit';

const T0 = new Date('2026-03-02T09:00:00Z');
const seconds = (s: number) => new Date(T0.getTime() + s * 1000);

function freshKey(): string {
  return `test:${randomUUID()}`;
}

describe('hitRateLimit', () => {
  it('allows up to the limit, then refuses with the time until the window resets', async () => {
    const key = freshKey();
    const opts = { limit: 3, windowSeconds: 60 };
    for (const [i, at] of [0, 10, 20].entries()) {
      expect(await hitRateLimit(getDb(), key, { ...opts, now: seconds(at) })).toEqual({
        allowed: true, count: i + 1, retryAfterSeconds: 0,
      });
    }
    expect(await hitRateLimit(getDb(), key, { ...opts, now: seconds(30) })).toEqual({
      allowed: false, count: 4, retryAfterSeconds: 30,
    });
    // Partial seconds round up, so a client that waits the advertised time is let in.
    expect(await hitRateLimit(getDb(), key, { ...opts, now: new Date(seconds(58).getTime() + 500) })).toEqual({
      allowed: false, count: 5, retryAfterSeconds: 2,
    });
  });

  it('starts a new window once the old one has passed', async () => {
    const key = freshKey();
    const opts = { limit: 2, windowSeconds: 60 };
    await hitRateLimit(getDb(), key, { ...opts, now: seconds(0) });
    await hitRateLimit(getDb(), key, { ...opts, now: seconds(1) });
    expect(await hitRateLimit(getDb(), key, { ...opts, now: seconds(59) })).toMatchObject({ allowed: false, count: 3 });

    // Exactly one window after the start, the window has rolled over.
    expect(await hitRateLimit(getDb(), key, { ...opts, now: seconds(60) })).toEqual({ allowed: true, count: 1, retryAfterSeconds: 0 });
    const [row] = await getDb().select().from(rateLimits).where(eq(rateLimits.key, key));
    expect(row).toEqual({ key, windowStart: seconds(60), count: 1 });
    expect(await hitRateLimit(getDb(), key, { ...opts, now: seconds(61) })).toMatchObject({ allowed: true, count: 2 });
    expect(await hitRateLimit(getDb(), key, { ...opts, now: seconds(62) })).toEqual({ allowed: false, count: 3, retryAfterSeconds: 58 });
  });

  it('keeps keys apart', async () => {
    const a = freshKey();
    const b = freshKey();
    const opts = { limit: 1, windowSeconds: 60, now: T0 };
    await hitRateLimit(getDb(), a, opts);
    expect(await hitRateLimit(getDb(), a, opts)).toMatchObject({ allowed: false });
    expect(await hitRateLimit(getDb(), b, opts)).toMatchObject({ allowed: true, count: 1 });
  });

  it('lets exactly the limit through when 20 requests arrive at once', async () => {
    const key = freshKey();
    const opts = { limit: 5, windowSeconds: 60, now: T0 };
    const results = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(getDb(), key, opts)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    // No increment lost and no count handed out twice.
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('runs inside a transaction, and rolls back with it', async () => {
    const key = freshKey();
    const opts = { limit: 5, windowSeconds: 60, now: T0 };
    await getDb().transaction(async (tx) => {
      await hitRateLimit(tx, key, opts);
      tx.rollback();
    }).catch(() => {});
    expect(await peekRateLimit(getDb(), key, opts)).toEqual({ allowed: true, count: 0, retryAfterSeconds: 0 });
  });
});

describe('peekRateLimit and clearRateLimit', () => {
  it('peek reads without counting and says whether one more hit would pass', async () => {
    const key = freshKey();
    const opts = { limit: 2, windowSeconds: 60 };
    expect(await peekRateLimit(getDb(), key, { ...opts, now: T0 })).toEqual({ allowed: true, count: 0, retryAfterSeconds: 0 });
    await hitRateLimit(getDb(), key, { ...opts, now: T0 });
    expect(await peekRateLimit(getDb(), key, { ...opts, now: seconds(5) })).toEqual({ allowed: true, count: 1, retryAfterSeconds: 0 });
    expect(await peekRateLimit(getDb(), key, { ...opts, now: seconds(5) })).toMatchObject({ count: 1 });
    await hitRateLimit(getDb(), key, { ...opts, now: seconds(10) });
    expect(await peekRateLimit(getDb(), key, { ...opts, now: seconds(15) })).toEqual({ allowed: false, count: 2, retryAfterSeconds: 45 });
    // An expired window reads as empty.
    expect(await peekRateLimit(getDb(), key, { ...opts, now: seconds(60) })).toEqual({ allowed: true, count: 0, retryAfterSeconds: 0 });
  });

  it('clear forgets the counter', async () => {
    const key = freshKey();
    const opts = { limit: 1, windowSeconds: 600, now: T0 };
    await hitRateLimit(getDb(), key, opts);
    expect(await hitRateLimit(getDb(), key, opts)).toMatchObject({ allowed: false });
    await clearRateLimit(getDb(), key);
    expect(await hitRateLimit(getDb(), key, opts)).toEqual({ allowed: true, count: 1, retryAfterSeconds: 0 });
  });

  it('refuses nonsensical options rather than silently never limiting', async () => {
    await expect(hitRateLimit(getDb(), freshKey(), { limit: 5, windowSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(hitRateLimit(getDb(), freshKey(), { limit: 1.5, windowSeconds: 60 })).rejects.toThrow(RangeError);
  });
});
