import 'server-only';
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { requiredSecret } from '@/lib/config/env';

/**
 * Short-lived secrets of the sign-in flows: SMS codes, emailed link tokens, printed portal codes.
 * Only hashes are stored, so a database leak does not hand out working codes or links.
 */

/** A 6-digit SMS code, uniform over 000000–999999 (the leading zeros are part of the code). */
export function generateSmsCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * A code has only a million values, so a plain hash would be reversed by trying them all: the
 * HMAC key (AUTH_SECRET) stops that. Hashing the challenge id in means a code sent for one
 * challenge is worthless against another.
 */
export function hashCode(challengeId: string, code: string): string {
  // The separator keeps ("ab", "1") and ("a", "b1") apart.
  return createHmac('sha256', requiredSecret('AUTH_SECRET')).update(`${challengeId}\u0000${code}`).digest('hex');
}

/** Constant-time comparison, so response timing does not reveal how much of a guess matched. */
export function codesMatch(storedHash: string, challengeId: string, code: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashCode(challengeId, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A token for an emailed link: 256 random bits, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A token has 256 bits of entropy, so an unkeyed SHA-256 cannot be brute-forced; it lets the
 * link be looked up by a unique index on the hash.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The printed portal activation code: 6 digits whose first is not zero, so it survives being
 * typed into spreadsheets and number fields that drop leading zeros.
 */
export function generatePortalCode(): string {
  return randomInt(100_000, 1_000_000).toString();
}
