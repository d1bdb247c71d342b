import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, like, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { normalizeCodeInput } from '@/lib/auth/challenges';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { hitRateLimit, peekRateLimit } from '@/lib/security/rate-limit';
import { clinicCodeCeilingOpen } from '@/lib/sms-spend/ceilings';

/**
 * The stand-in for a code flow started with an identifier we do not know (claim, forgot
 * password). No challenge is created and nothing is sent, but the browser gets an id shaped
 * like a challenge's and every later answer (wrong code with tries left, expiry, resend timing,
 * the hourly limit, the lock) follows the real rules, so a stranger cannot tell from the
 * answers whether an account or a patient exists. Nor from their timing: starting and resending
 * run the same statements as the real path, whose SMS goes out after the response
 * (lib/messaging/after-response.ts). Its state is two rows in rate_limits:
 *   decoy:{id}:{lockKey}  window_start = started, count = wrong guesses since the last "send"
 *   decoy-sent:{id}       window_start = last "send", count = sends
 */

const attemptsPrefix = (id: string) => `decoy:${id}:`;
const sentKey = (id: string) => `decoy-sent:${id}`;
// Mirrors the per-person hourly SMS limit of sendChallengeCode, keyed on what was typed.
const hourlyKey = (lockKey: string) => `decoy-sms:${lockKey}`;

export type DecoySendResult =
  | { ok: true; resendAvailableAt: Date }
  | { ok: false; error: 'too-many-codes' | 'resend-too-soon'; retryAfterSeconds: number };

/** The decoy's id goes to the browser as a challenge's would (the challenge cookie). */
export type DecoyStartResult =
  | { ok: true; challengeId: string; resendAvailableAt: Date }
  | { ok: false; error: 'too-many-codes'; retryAfterSeconds: number };

/**
 * Shaped like the real path statement for statement (createChallenge, then sendChallengeCode's
 * transaction: lock, count, claim the slot, record the send), so the two answers take the same
 * time; the real code goes to the provider only after the response.
 */
export async function startDecoy(db: Executor, lockKey: string): Promise<DecoyStartResult> {
  const at = clockNow();
  const decoyId = randomUUID();
  await db.insert(rateLimits).values({ key: attemptsPrefix(decoyId) + lockKey, windowStart: at, count: 0 });
  return db.transaction(async (tx): Promise<DecoyStartResult> => {
    await lockDecoySends(tx, lockKey);
    const hourly = await peekRateLimit(tx, hourlyKey(lockKey), hourlyLimit(at));
    if (!hourly.allowed) return { ok: false, error: 'too-many-codes', retryAfterSeconds: hourly.retryAfterSeconds };
    const ceiling = await clinicCeiling(tx, lockKey);
    if (!ceiling.open) return { ok: false, error: 'too-many-codes', retryAfterSeconds: ceiling.retryAfterSeconds };
    await tx.insert(rateLimits).values({ key: sentKey(decoyId), windowStart: at, count: 1 });
    await hitRateLimit(tx, hourlyKey(lockKey), hourlyLimit(at));
    return { ok: true, challengeId: decoyId, resendAvailableAt: addSeconds(at, AUTH_POLICY.resendAfterSeconds) };
  });
}

const hourlyLimit = (now: Date) => ({ limit: AUTH_POLICY.codesPerHour, windowSeconds: 3600, now });

/**
 * A real code beyond the clinic's hourly SMS ceiling is refused as "too many codes"
 * (lib/sms-spend/ceilings.ts), so a decoy is too: otherwise, while the ceiling is reached, a
 * refusal would mark the identifier as known. The clinic is the lock key's (lockoutKey:
 * scope:tenant:digest). Nothing is taken: a decoy sends nothing.
 */
async function clinicCeiling(tx: Executor, lockKey: string): Promise<{ open: boolean; retryAfterSeconds: number }> {
  const tenantId = lockKey.split(':')[1] ?? '';
  return isUuid(tenantId) ? clinicCodeCeilingOpen(tx, tenantId) : { open: true, retryAfterSeconds: 0 };
}

/** As sendChallengeCode locks the subject: one send at a time for what was typed. */
async function lockDecoySends(tx: Executor, lockKey: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${hourlyKey(lockKey)}, 0))`);
}

async function loadDecoy(db: Executor, id: string | null | undefined) {
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  const rows = await db
    .select()
    .from(rateLimits)
    .where(or(like(rateLimits.key, `${attemptsPrefix(id)}%`), eq(rateLimits.key, sentKey(id))));
  const attempts = rows.find((r) => r.key.startsWith(attemptsPrefix(id)));
  const sent = rows.find((r) => r.key === sentKey(id));
  if (!attempts || !sent) return null;
  // A decoy lives as long as a challenge would.
  if (clockNow() >= addSeconds(attempts.windowStart, AUTH_POLICY.challengeTtlSeconds)) return null;
  return { attemptsKey: attempts.key, lockKey: attempts.key.slice(attemptsPrefix(id).length), lastSentAt: sent.windowStart, id };
}

/** A "resend" for a decoy, shaped like sendChallengeCode as startDecoy is; null when `id` is no live decoy. */
export async function resendDecoy(db: Executor, id: string | null | undefined): Promise<DecoySendResult | null> {
  const decoy = await loadDecoy(db, id);
  if (!decoy) return null;
  const at = clockNow();
  return db.transaction(async (tx): Promise<DecoySendResult> => {
    await lockDecoySends(tx, decoy.lockKey);
    const hourly = await peekRateLimit(tx, hourlyKey(decoy.lockKey), hourlyLimit(at));
    if (!hourly.allowed) return { ok: false, error: 'too-many-codes', retryAfterSeconds: hourly.retryAfterSeconds };
    const ceiling = await clinicCeiling(tx, decoy.lockKey);
    if (!ceiling.open) return { ok: false, error: 'too-many-codes', retryAfterSeconds: ceiling.retryAfterSeconds };
    // Claims the resend slot and, as a fresh code comes with fresh guesses (sendChallengeCode
    // resets code_attempts), zeroes the wrong guesses, in one statement.
    const sent = sentKey(decoy.id);
    const claimed = await tx
      .update(rateLimits)
      .set({
        windowStart: sql`case when ${rateLimits.key} = ${sent} then ${at.toISOString()}::timestamptz else ${rateLimits.windowStart} end`,
        count: sql`case when ${rateLimits.key} = ${sent} then ${rateLimits.count} + 1 else 0 end`,
      })
      .where(and(
        inArray(rateLimits.key, [sent, decoy.attemptsKey]),
        sql`exists (select 1 from ${rateLimits} s where s.key = ${sent} and s.window_start <= ${addSeconds(at, -AUTH_POLICY.resendAfterSeconds).toISOString()}::timestamptz)`,
      ))
      .returning({ key: rateLimits.key });
    if (claimed.length === 0) {
      const [last] = await tx.select({ at: rateLimits.windowStart }).from(rateLimits).where(eq(rateLimits.key, sent));
      const sinceMs = at.getTime() - (last?.at ?? at).getTime();
      return { ok: false, error: 'resend-too-soon', retryAfterSeconds: Math.max(1, Math.ceil((AUTH_POLICY.resendAfterSeconds * 1000 - sinceMs) / 1000)) };
    }
    await hitRateLimit(tx, hourlyKey(decoy.lockKey), hourlyLimit(at));
    return { ok: true, resendAvailableAt: addSeconds(at, AUTH_POLICY.resendAfterSeconds) };
  });
}

export type DecoyCheckResult =
  | { ok: false; error: 'malformed' | 'expired' | 'too-many-attempts' }
  | { ok: false; error: 'wrong-code'; attemptsLeft: number };

/** Every code is wrong for a decoy; null when `id` is no live decoy. */
export async function checkDecoyCode(
  db: Executor,
  id: string | null | undefined,
  code: string,
): Promise<{ result: DecoyCheckResult; lockKey: string } | null> {
  const decoy = await loadDecoy(db, id);
  if (!decoy) return null;
  const answer = (result: DecoyCheckResult) => ({ result, lockKey: decoy.lockKey });
  if (!normalizeCodeInput(code)) return answer({ ok: false, error: 'malformed' });
  if (clockNow() >= addSeconds(decoy.lastSentAt, AUTH_POLICY.codeTtlSeconds)) return answer({ ok: false, error: 'expired' });
  const [attempt] = await db
    .update(rateLimits)
    .set({ count: sql`${rateLimits.count} + 1` })
    .where(and(eq(rateLimits.key, decoy.attemptsKey), lt(rateLimits.count, AUTH_POLICY.codeMaxAttempts)))
    .returning({ count: rateLimits.count });
  if (!attempt) return answer({ ok: false, error: 'too-many-attempts' });
  const attemptsLeft = AUTH_POLICY.codeMaxAttempts - attempt.count;
  return answer(attemptsLeft > 0 ? { ok: false, error: 'wrong-code', attemptsLeft } : { ok: false, error: 'too-many-attempts' });
}
