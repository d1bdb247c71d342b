import { describe, expect, it } from 'vitest';
import { placeholders } from '@/lib/i18n/core';
import { authenticatorSettings, authenticatorSignIn } from '@/lib/i18n/messages/authenticator';
import { generateRecoveryCode, generateRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from '@/lib/identity/recovery-codes';
import { appSignInCodeSchema, authenticatorCodeSchema, removeAuthenticatorSchema } from '@/lib/portal-access/authenticator-forms';

/** The authenticator app's pure parts: recovery codes as shown and typed, the forms' schemas, the words. */

describe('recovery codes', () => {
  it('are two groups of five from an alphabet without look-alikes', () => {
    for (let i = 0; i < 2_000; i++) expect(generateRecoveryCode()).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
  });

  it('come ten to a set, all different, and differ between sets', () => {
    const a = generateRecoveryCodes();
    const b = generateRecoveryCodes();
    expect(a).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(a).size).toBe(RECOVERY_CODE_COUNT);
    expect(a.filter((code) => b.includes(code))).toEqual([]);
  });

  it('use every letter of the alphabet (no bias to a few)', () => {
    const seen = new Set(generateRecoveryCodes(500).join('').replace(/-/g, ''));
    expect(seen.size).toBe(31);
  });

  it('are read however they are typed: case, spaces, dashes, full-width characters', () => {
    expect(normalizeRecoveryCode('k7m2p-9qx4t')).toBe('k7m2p9qx4t');
    expect(normalizeRecoveryCode(' K7M2P 9QX4T ')).toBe('k7m2p9qx4t');
    expect(normalizeRecoveryCode('ｋ７ｍ２ｐ－９ｑｘ４ｔ')).toBe('k7m2p9qx4t');
  });

  it('refuse what cannot be one, so it costs no lookup', () => {
    expect(normalizeRecoveryCode('123456')).toBeNull();
    expect(normalizeRecoveryCode('k7m2p-9qx4')).toBeNull();
    expect(normalizeRecoveryCode('k7m2p-9qx4tt')).toBeNull();
    // 0, 1, i, l and o are never in a code.
    expect(normalizeRecoveryCode('k7m2p-9qx40')).toBeNull();
    expect(normalizeRecoveryCode('l7m2p-9qx4t')).toBeNull();
    expect(normalizeRecoveryCode('')).toBeNull();
  });
});

describe('the forms’ schemas', () => {
  it('take the app’s code as the app shows it', () => {
    expect(authenticatorCodeSchema.safeParse({ code: ' 123 456 ' })).toMatchObject({ success: true, data: { code: '123 456' } });
    expect(authenticatorCodeSchema.safeParse({ code: '123456' }).success).toBe(true);
    for (const code of ['12345', '1234567', 'abcdef', '12 34 56', '']) {
      const parsed = authenticatorCodeSchema.safeParse({ code });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe('errCodeFormat');
    }
    expect(authenticatorCodeSchema.safeParse({}).error?.issues[0]?.message).toBe('errCodeFormat');
  });

  it('let removal be proven by either field, leaving the other empty', () => {
    expect(removeAuthenticatorSchema.safeParse({ password: 'secret', code: '' }).success).toBe(true);
    expect(removeAuthenticatorSchema.safeParse({ code: '123 456' }).success).toBe(true);
    expect(removeAuthenticatorSchema.safeParse({}).success).toBe(true);
    expect(removeAuthenticatorSchema.safeParse({ code: '12' }).error?.issues[0]?.message).toBe('errCodeFormat');
    expect(removeAuthenticatorSchema.safeParse({ password: 'x'.repeat(1025) }).error?.issues[0]?.message).toBe('errTooLong');
  });

  it('let the sign-in field carry a code or a recovery code, never nothing', () => {
    expect(appSignInCodeSchema.safeParse({ code: 'abcde-23456' }).success).toBe(true);
    expect(appSignInCodeSchema.safeParse({ code: '123456' }).success).toBe(true);
    expect(appSignInCodeSchema.safeParse({ code: '  ' }).error?.issues[0]?.message).toBe('errAppMalformed');
    expect(appSignInCodeSchema.safeParse({ code: 'x'.repeat(41) }).error?.issues[0]?.message).toBe('errAppMalformed');
  });

  it('name messages the catalogue has', () => {
    for (const key of ['errCodeFormat', 'errTooLong', 'errNoProof'] as const) expect(authenticatorSettings.en[key]).toBeTruthy();
    expect(authenticatorSignIn.en.errAppMalformed).toBeTruthy();
  });
});

describe('the words', () => {
  it('say the same placeholders in Spanish as in English', () => {
    for (const catalog of [authenticatorSettings, authenticatorSignIn]) {
      for (const [key, english] of Object.entries(catalog.en)) {
        expect(placeholders(catalog.es[key as keyof typeof catalog.es]), key).toEqual(placeholders(english));
        expect(catalog.es[key as keyof typeof catalog.es], key).not.toBe('');
      }
    }
  });
});
