import 'server-only';
import { and, count, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authChallenges, smsCodeSends, type AuthChallenge, type ChallengePurpose } from '@/db/schema';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { codesMatch, generateSmsCode, hashCode } from '@/lib/identity/secrets';
import { afterResponse } from '@/lib/messaging/after-response';
import type { SmsSender } from '@/lib/sms/types';
import { giveBackSmsAllowance, takeSmsAllowance } from '@/lib/sms-spend/ceilings';
import { recordSmsSent } from '@/lib/sms-spend/usage';
import { AUTH_POLICY } from './policy';
import { verificationCodeText } from './sms-text';

/**
 * SMS verification codes, bound to one challenge (one sign-in or activation attempt). Codes
 * come from a CSPRNG, are stored only as an HMAC keyed on the challenge, live 10 minutes, are
 * used once, and a challenge's code dies after 5 guesses.
 */

export type ChallengeSubject = { kind: AuthChallenge['subjectKind']; id: string };

export async function createChallenge(
  db: Executor,
  input: {
    tenantId: string;
    purpose: ChallengePurpose;
    subject: ChallengeSubject;
    phone?: string | null;
    payload?: Record<string, unknown> | null;
    ip?: string | null;
    verified?: boolean;
  },
): Promise<AuthChallenge> {
  const at = clockNow();
  const [row] = await db
    .insert(authChallenges)
    .values({
      tenantId: input.tenantId,
      purpose: input.purpose,
      subjectKind: input.subject.kind,
      subjectId: input.subject.id,
      phone: input.phone ?? null,
      payload: input.payload ? JSON.stringify(input.payload) : null,
      ip: input.ip ?? null,
      verifiedAt: input.verified ? at : null,
      createdAt: at,
      expiresAt: addSeconds(at, AUTH_POLICY.challengeTtlSeconds),
    })
    .returning();
  return row!;
}

/** One challenge by its key: the clinic and the id. */
export function challengeKey(challenge: Pick<AuthChallenge, 'tenantId' | 'id'>) {
  return and(eq(authChallenges.tenantId, challenge.tenantId), eq(authChallenges.id, challenge.id))!;
}

export function challengePayload<T extends Record<string, unknown>>(challenge: AuthChallenge): Partial<T> {
  if (!challenge.payload) return {};
  try {
    return JSON.parse(challenge.payload) as Partial<T>;
  } catch {
    return {};
  }
}

/** An open challenge of this clinic and purpose, or null. */
export async function findOpenChallenge(
  db: Executor,
  challengeId: string | null | undefined,
  expected: { tenantId: string; purposes: readonly ChallengePurpose[] },
): Promise<AuthChallenge | null> {
  if (!challengeId || !/^[0-9a-f-]{36}$/i.test(challengeId)) return null;
  const [row] = await db.select().from(authChallenges).where(challengeKey({ tenantId: expected.tenantId, id: challengeId }));
  if (!row || row.completedAt || row.expiresAt <= clockNow()) return null;
  if (!expected.purposes.includes(row.purpose)) return null;
  return row;
}

export type SendCodeResult =
  | { ok: true; resendAvailableAt: Date }
  | { ok: false; reason: 'resend-too-soon' | 'hourly-limit'; retryAfterSeconds: number }
  | { ok: false; reason: 'delivery-failed' };

/**
 * When the provider is called: 'before-answer' waits for it, so a failure can be reported
 * ('delivery-failed'); 'after-response' calls it once the response has gone (lib/messaging/
 * after-response.ts), for flows whose answer to an unknown identifier must take as long as
 * the real one (claim, forgot password).
 */
export type CodeDelivery = 'before-answer' | 'after-response';

/**
 * Sends a fresh code for the challenge. The 60-second resend slot is claimed atomically before
 * sending, and given back if the SMS provider fails, so a failure costs the user nothing.
 * Every code also takes one SMS from the clinic's send-rate ceilings (per phone number and per
 * clinic, lib/sms-spend/ceilings.ts): beyond either the code is refused as the hourly limit is,
 * in the same words. A code is never held by the clinic's SMS budget, but counts in it once the
 * provider took it (lib/sms-spend/usage.ts), with the code's hash stored.
 */
export async function sendChallengeCode(
  db: Executor,
  challenge: AuthChallenge,
  sms: SmsSender,
  messageFor: (code: string) => string,
  delivery: CodeDelivery = 'before-answer',
): Promise<SendCodeResult> {
  if (!challenge.phone) throw new Error('challenge has no phone');
  const phone = challenge.phone;
  const at = clockNow();
  const code = generateSmsCode();
  // Sent after the response, the code must work as soon as the answer says it is on its way:
  // it is stored with the slot. Sent before the answer, it replaces the last code only once
  // the provider took it, so a failed send leaves the earlier code working.
  const storedCode = {
    codeHash: hashCode(challenge.id, code),
    codeExpiresAt: addSeconds(at, AUTH_POLICY.codeTtlSeconds),
    codeAttempts: 0,
  };

  const hourAgo = addSeconds(at, -3600);
  const resendBoundary = addSeconds(at, -AUTH_POLICY.resendAfterSeconds);
  // One subject at a time: count, claim the resend slot and reserve the send in one transaction
  // under a per-subject lock, so simultaneous sign-ins cannot all read "4 sent" and all send.
  const reserved = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${challenge.subjectId}::text, 0))`);
    const [sent] = await tx
      .select({ n: count(), oldest: sql<Date>`min(${smsCodeSends.sentAt})` })
      .from(smsCodeSends)
      .where(and(eq(smsCodeSends.tenantId, challenge.tenantId), eq(smsCodeSends.subjectId, challenge.subjectId), gt(smsCodeSends.sentAt, hourAgo)));
    if ((sent?.n ?? 0) >= AUTH_POLICY.codesPerHour) {
      const oldest = sent?.oldest ? new Date(sent.oldest) : at;
      const retry = Math.max(1, Math.ceil((oldest.getTime() + 3600_000 - at.getTime()) / 1000));
      return { ok: false as const, reason: 'hourly-limit' as const, retryAfterSeconds: retry };
    }
    const ceilings = await takeSmsAllowance(tx, { tenantId: challenge.tenantId, phone, kind: 'code' });
    if (!ceilings.ok) return { ok: false as const, reason: 'hourly-limit' as const, retryAfterSeconds: ceilings.retryAfterSeconds };
    const claimed = await tx
      .update(authChallenges)
      .set({ codeSentAt: at, ...(delivery === 'after-response' ? storedCode : {}) })
      .where(and(
        challengeKey(challenge),
        isNull(authChallenges.completedAt),
        or(isNull(authChallenges.codeSentAt), lte(authChallenges.codeSentAt, resendBoundary)),
      ))
      .returning({ id: authChallenges.id });
    if (claimed.length === 0) {
      await giveBackSmsAllowance(tx, ceilings.allowance);
      const [current] = await tx.select({ codeSentAt: authChallenges.codeSentAt }).from(authChallenges).where(challengeKey(challenge));
      const last = current?.codeSentAt ?? at;
      const retry = Math.max(1, Math.ceil((last.getTime() + AUTH_POLICY.resendAfterSeconds * 1000 - at.getTime()) / 1000));
      return { ok: false as const, reason: 'resend-too-soon' as const, retryAfterSeconds: retry };
    }
    const [row] = await tx
      .insert(smsCodeSends)
      .values({ tenantId: challenge.tenantId, challengeId: challenge.id, subjectId: challenge.subjectId, sentAt: at })
      .returning({ id: smsCodeSends.id });
    return { ok: true as const, sendId: row!.id, allowance: ceilings.allowance };
  });
  if (!reserved.ok) return reserved;

  const body = messageFor(code);
  const send = () => sms.send({ to: phone, body, idempotencyKey: `${challenge.id}:${at.getTime()}` });
  // Give the slot back, unless a later send took it: the user should be able to try again at
  // once. After the response the answer already said "sent", so the slot reads as a minute old
  // (resend open now) rather than as never sent.
  const giveSlotBack = async (codeSentAt: Date | null) => {
    await db
      .update(authChallenges)
      .set({ codeSentAt })
      .where(and(challengeKey(challenge), eq(authChallenges.codeSentAt, at)));
    await db.delete(smsCodeSends).where(and(eq(smsCodeSends.tenantId, challenge.tenantId), eq(smsCodeSends.id, reserved.sendId)));
    await giveBackSmsAllowance(db, reserved.allowance);
  };
  const sent = { ok: true as const, resendAvailableAt: addSeconds(at, AUTH_POLICY.resendAfterSeconds) };

  if (delivery === 'after-response') {
    // The person sees "code sent" either way (as an unknown identifier does); a failed send
    // frees the slot, so "Resend code" works at once.
    await afterResponse('sign-in code', async () => {
      try {
        await send();
      } catch (error) {
        await giveSlotBack(addSeconds(at, -AUTH_POLICY.resendAfterSeconds));
        throw error;
      }
      await recordSmsSent(db, challenge.tenantId, body);
    });
    return sent;
  }

  try {
    await send();
  } catch {
    await giveSlotBack(challenge.codeSentAt);
    return { ok: false, reason: 'delivery-failed' };
  }
  await db.transaction(async (tx) => {
    await tx.update(authChallenges).set(storedCode).where(challengeKey(challenge));
    await recordSmsSent(tx, challenge.tenantId, body);
  });
  return sent;
}

/** A sign-in code sent, as every sign-in and access flow answers it. */
export type CodeSendOutcome =
  | { ok: true; resendAvailableAt: Date }
  | { ok: false; error: 'sms-failed' }
  | { ok: false; error: 'too-many-codes' | 'resend-too-soon'; retryAfterSeconds: number };

/** A fresh code for the challenge by SMS, in the words of the clinic `sender` names. */
export async function sendSignInCode(
  db: Executor,
  challenge: AuthChallenge,
  sms: SmsSender,
  sender: string,
  delivery: CodeDelivery = 'before-answer',
): Promise<CodeSendOutcome> {
  const sent = await sendChallengeCode(db, challenge, sms, (code) => verificationCodeText(sender, code), delivery);
  if (sent.ok) return sent;
  if (sent.reason === 'delivery-failed') return { ok: false, error: 'sms-failed' };
  return { ok: false, error: sent.reason === 'hourly-limit' ? 'too-many-codes' : 'resend-too-soon', retryAfterSeconds: sent.retryAfterSeconds };
}

/**
 * The first code of a new attempt: a send refused within the minute can only follow another
 * attempt for the same person, so it reads as the hourly limit does.
 */
export function firstCodeRefusal(sent: Exclude<CodeSendOutcome, { ok: true }>): { ok: false; error: 'sms-failed' } | { ok: false; error: 'too-many-codes'; retryAfterSeconds: number } {
  return sent.error === 'sms-failed' ? sent : { ok: false, error: 'too-many-codes', retryAfterSeconds: sent.retryAfterSeconds };
}

/** One more guess at a challenge's code or TOTP; false once its guesses are used up. */
export async function countCodeAttempt(db: Executor, challenge: Pick<AuthChallenge, 'tenantId' | 'id'>): Promise<boolean> {
  const [attempt] = await db
    .update(authChallenges)
    .set({ codeAttempts: sql`${authChallenges.codeAttempts} + 1` })
    .where(and(challengeKey(challenge), sql`${authChallenges.codeAttempts} < ${AUTH_POLICY.codeMaxAttempts}`))
    .returning({ attempts: authChallenges.codeAttempts });
  return Boolean(attempt);
}

/** Accepts "123 456", full-width digits and the like; null when it is not six digits. */
export function normalizeCodeInput(input: string): string | null {
  const digits = input.normalize('NFKC').replace(/[\s-]/g, '');
  return /^[0-9]{6}$/.test(digits) ? digits : null;
}

export type VerifyCodeResult =
  | { ok: true; challenge: AuthChallenge }
  | { ok: false; reason: 'malformed' | 'no-code' | 'expired' | 'too-many-attempts' }
  | { ok: false; reason: 'wrong-code'; attemptsLeft: number };

/**
 * Checks a code. Each guess first claims one of the 5 attempts in a single UPDATE, so a burst
 * of parallel guesses cannot get more than 5 tries.
 */
export async function verifyChallengeCode(db: Executor, challenge: AuthChallenge, input: string): Promise<VerifyCodeResult> {
  const code = normalizeCodeInput(input);
  if (!code) return { ok: false, reason: 'malformed' };
  if (!challenge.codeHash || !challenge.codeExpiresAt) return { ok: false, reason: 'no-code' };
  const at = clockNow();
  if (challenge.codeExpiresAt <= at) return { ok: false, reason: 'expired' };

  const [attempt] = await db
    .update(authChallenges)
    .set({ codeAttempts: sql`${authChallenges.codeAttempts} + 1` })
    .where(and(
      challengeKey(challenge),
      isNull(authChallenges.completedAt),
      isNull(authChallenges.verifiedAt),
      sql`${authChallenges.codeAttempts} < ${AUTH_POLICY.codeMaxAttempts}`,
    ))
    .returning({ attempts: authChallenges.codeAttempts, codeHash: authChallenges.codeHash });
  if (!attempt) return { ok: false, reason: 'too-many-attempts' };
  if (!attempt.codeHash || !codesMatch(attempt.codeHash, challenge.id, code)) {
    const attemptsLeft = AUTH_POLICY.codeMaxAttempts - attempt.attempts;
    return attemptsLeft > 0 ? { ok: false, reason: 'wrong-code', attemptsLeft } : { ok: false, reason: 'too-many-attempts' };
  }
  const [verified] = await db
    .update(authChallenges)
    .set({ verifiedAt: at, codeHash: null })
    .where(and(challengeKey(challenge), isNull(authChallenges.verifiedAt)))
    .returning();
  if (!verified) return { ok: false, reason: 'too-many-attempts' };
  return { ok: true, challenge: verified };
}

/** Marks a verified challenge used. Exactly one caller wins, so a code signs in once. */
export async function completeVerifiedChallenge(
  db: Executor,
  challengeId: string,
  expected: { tenantId: string; purposes: readonly ChallengePurpose[] },
): Promise<AuthChallenge | null> {
  const at = clockNow();
  const [row] = await db
    .update(authChallenges)
    .set({ completedAt: at })
    .where(and(
      challengeKey({ tenantId: expected.tenantId, id: challengeId }),
      isNull(authChallenges.completedAt),
      sql`${authChallenges.verifiedAt} is not null`,
      gt(authChallenges.expiresAt, at),
      inArray(authChallenges.purpose, [...expected.purposes]),
    ))
    .returning();
  return row ?? null;
}
