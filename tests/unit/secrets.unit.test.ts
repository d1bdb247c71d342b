import { describe, expect, it } from 'vitest';
import {
  codesMatch,
  generatePortalCode,
  generateSmsCode,
  generateToken,
  hashCode,
  hashToken,
} from '@/lib/identity/secrets';

const CHALLENGE = '6f1c1a52-6a8e-4d6b-9a55-0f6f0d2b7c11';
const OTHER_CHALLENGE = '0b8e4f0e-2f38-4d0e-8a47-6a3c9a0f5e22';

function sample(generate: () => string, n: number): string[] {
  return Array.from({ length: n }, generate);
}

describe('SMS codes', () => {
  it('are six digits', () => {
    for (const code of sample(generateSmsCode, 2_000)) expect(code).toMatch(/^\d{6}$/);
  });

  it('keep leading zeros, and every first digit occurs (uniform over 000000–999999)', () => {
    const firstDigits = new Set(sample(generateSmsCode, 2_000).map((code) => code[0]));
    // Each digit is missed by 2,000 draws with probability 0.9^2000 ≈ 1e-92: not flaky.
    expect([...firstDigits].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('rarely repeat', () => {
    // 2,000 draws from a million: about 2 collisions expected; 40 would mean a broken generator.
    expect(new Set(sample(generateSmsCode, 2_000)).size).toBeGreaterThan(1_960);
  });
});

describe('code hashes', () => {
  it('match the code they were made from, for the same challenge only', () => {
    const stored = hashCode(CHALLENGE, '012345');
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(codesMatch(stored, CHALLENGE, '012345')).toBe(true);
    expect(codesMatch(stored, CHALLENGE, '012346')).toBe(false);
    expect(codesMatch(stored, CHALLENGE, '12345')).toBe(false);
    expect(codesMatch(stored, OTHER_CHALLENGE, '012345')).toBe(false);
  });

  it('differ between challenges for the same code, and are deterministic', () => {
    expect(hashCode(CHALLENGE, '123456')).toBe(hashCode(CHALLENGE, '123456'));
    expect(hashCode(CHALLENGE, '123456')).not.toBe(hashCode(OTHER_CHALLENGE, '123456'));
  });

  it('keep the challenge id and the code apart', () => {
    expect(hashCode('ab', '1')).not.toBe(hashCode('a', 'b1'));
  });

  it('are keyed, not a plain hash someone could brute-force offline', async () => {
    const { createHash } = await import('node:crypto');
    const plain = createHash('sha256').update(`${CHALLENGE}\u0000123456`).digest('hex');
    expect(hashCode(CHALLENGE, '123456')).not.toBe(plain);
  });

  it('refuse a malformed stored hash instead of throwing', () => {
    expect(codesMatch('', CHALLENGE, '123456')).toBe(false);
    expect(codesMatch('not-hex', CHALLENGE, '123456')).toBe(false);
    expect(codesMatch(hashCode(CHALLENGE, '123456').slice(0, 62), CHALLENGE, '123456')).toBe(false);
  });
});

describe('link tokens', () => {
  it('are 32 random bytes in base64url', () => {
    const tokens = sample(generateToken, 200);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('hash to SHA-256 hex, deterministically', () => {
    const token = generateToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(generateToken()));
    // Known vector, so the stored format cannot drift unnoticed.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('portal codes', () => {
  it('are six digits that never start with zero, and every other first digit occurs', () => {
    const codes = sample(generatePortalCode, 2_000);
    for (const code of codes) expect(code).toMatch(/^[1-9]\d{5}$/);
    expect(new Set(codes.map((code) => code[0])).size).toBe(9);
  });
});
