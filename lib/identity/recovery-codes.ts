import 'server-only';
import { randomInt } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { recoveryCodes, type PasskeySubjectKind } from '@/db/schema';
import { now as clockNow } from '@/lib/clock';
import { codesMatch, hashCode } from './secrets';

/**
 * One-time recovery codes for a second factor (the patient's authenticator app): ten codes shown
 * once when they are made, kept only as keyed hashes, each good for one sign-in. A new set
 * replaces the old one whole, so a printout that went missing stops working.
 */

export const RECOVERY_CODE_COUNT = 10;

// No 0/O, 1/I/L: the codes are copied from paper. 31 letters, 10 of them: ~49 bits a code, far
// beyond what the sign-in lockout lets anyone try; the HMAC key stops an offline search of a leak.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const LENGTH = 10;

export interface RecoverySubject {
  tenantId: string;
  kind: PasskeySubjectKind;
  id: string;
}

/** "k7m2p-9qx4t": two groups of five, as shown and printed. */
export function generateRecoveryCode(): string {
  const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(0, ALPHABET.length)]!);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** A set of distinct codes. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateRecoveryCode());
  return [...codes];
}

/**
 * What was typed, as stored: lower case, without spaces or dashes, full-width characters folded;
 * null when it cannot be a recovery code (so it is not checked, and costs no database work).
 */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.normalize('NFKC').toLowerCase().replace(/[\s-]/g, '');
  if (code.length !== LENGTH) return null;
  for (const char of code) if (!ALPHABET.includes(char)) return null;
  return code;
}

// The subject is part of the keyed hash: a code of one account is worthless for every other.
const scope = (subject: RecoverySubject) => `recovery:${subject.tenantId}:${subject.kind}:${subject.id}`;

const subjectWhere = (subject: RecoverySubject) =>
  and(eq(recoveryCodes.tenantId, subject.tenantId), eq(recoveryCodes.subjectKind, subject.kind), eq(recoveryCodes.subjectId, subject.id));

/** A fresh set for the subject, replacing any earlier one; the plain codes are returned to show once. */
export async function replaceRecoveryCodes(db: Executor, subject: RecoverySubject): Promise<string[]> {
  const codes = generateRecoveryCodes();
  await db.delete(recoveryCodes).where(subjectWhere(subject));
  await db.insert(recoveryCodes).values(codes.map((code) => ({
    tenantId: subject.tenantId,
    subjectKind: subject.kind,
    subjectId: subject.id,
    codeHash: hashCode(scope(subject), normalizeRecoveryCode(code)!),
  })));
  return codes;
}

export async function deleteRecoveryCodes(db: Executor, subject: RecoverySubject): Promise<void> {
  await db.delete(recoveryCodes).where(subjectWhere(subject));
}

export async function countRecoveryCodesLeft(db: Executor, subject: RecoverySubject): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(recoveryCodes).where(and(subjectWhere(subject), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}

/**
 * Uses up one of the subject's codes. Every unused code is compared in constant time, all of
 * them whatever matched, and the match is spent with `used_at IS NULL` in the WHERE: of two
 * sign-ins racing with one code, exactly one gets it.
 */
export async function spendRecoveryCode(db: Executor, subject: RecoverySubject, input: string): Promise<{ ok: true; left: number } | { ok: false }> {
  const code = normalizeRecoveryCode(input);
  if (!code) return { ok: false };
  const unused = await db.select({ id: recoveryCodes.id, codeHash: recoveryCodes.codeHash }).from(recoveryCodes).where(and(subjectWhere(subject), isNull(recoveryCodes.usedAt)));
  let matchId: string | null = null;
  for (const row of unused) {
    if (codesMatch(row.codeHash, scope(subject), code)) matchId ??= row.id;
  }
  if (!matchId) return { ok: false };
  const spent = await db
    .update(recoveryCodes)
    .set({ usedAt: clockNow() })
    .where(and(eq(recoveryCodes.tenantId, subject.tenantId), eq(recoveryCodes.id, matchId), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  if (spent.length === 0) return { ok: false };
  return { ok: true, left: unused.length - 1 };
}
