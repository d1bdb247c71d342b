import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCart, serializeCart } from '@/lib/commerce/cart';
import { COUPON_CODE_PATTERN, createCouponSchema } from '@/lib/commerce/coupon-forms';
import { couponCodeKey } from '@/lib/commerce/coupon-rules';
import { anyUnicode, controlChars, leaksIn, zodDefaultIn } from '../support/hostile';

/**
 * Issue 21 point 7, bad input for coupon codes: unicode look-alikes at creation (the CRM's form)
 * and at redemption (the key a typed code is looked up by, and the cart cookie that carries it).
 * A look-alike must never be a second code that looks like the first, nor redeem one it is not.
 * The rule that makes this hold: a code is ASCII letters, digits, `-` and `_`, matched in any case.
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 100);
const SEED = 2123;
const TENANT = '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c';

/** WELCOME10 as other characters that look the same, or that normalisation folds into it. */
const LOOK_ALIKES = [
  'WЕLCOME10', // Cyrillic Е
  'WELCОME10', // Cyrillic О
  'ᎳELCOME10', // Cherokee Ꮃ
  'ＷＥＬＣＯＭＥ１０', // fullwidth (NFKC-equal)
  'WELCOME１０',
  'WELCOME\u200D10', // zero-width joiner
  'WELCOME\u200B10', // zero-width space
  'WE\u0301LCOME10', // combining acute
  '\u202EWELCOME10', // right-to-left override
  'WELCOME10\u202C',
  'WELCOMEⅠ0', // Roman numeral one
  'WELCOME1O', // Latin O for zero: a different ASCII code, not a look-alike to fold
  '\u212AIDS10', // Kelvin sign, lower-cases to an ASCII k
  'ſALE10', // long s, upper-cases to an ASCII S
  'İNFO10', // dotted capital I
  '𝐖𝐄𝐋𝐂𝐎𝐌𝐄𝟏𝟎', // mathematical bold (NFKC-equal)
];

const form = (code: unknown) => ({
  currency: 'USD', code, description: '', kind: 'percent', percent: '10', amount: '', validFrom: '', validTo: '', appliesTo: 'all', productIds: [],
  maxRedemptions: '', perPatientLimit: '', firstOrderOnly: '', subscriptionCycles: '',
});

describe('coupon codes: look-alikes', () => {
  it.each(LOOK_ALIKES.filter((c) => c !== 'WELCOME1O').map((c) => [c]))('%j cannot be created, in words', (code) => {
    const parsed = createCouponSchema.safeParse(form(code));
    expect(parsed.success).toBe(false);
    const message = parsed.error!.issues.find((i) => i.path[0] === 'code')?.message ?? '';
    expect(message).toMatch(/letters, digits, hyphens or underscores/);
  });

  it.each(LOOK_ALIKES.filter((c) => c !== 'WELCOME1O').map((c) => [c]))('%j redeems no code (it has no lookup key)', (code) => {
    expect(couponCodeKey(code)).toBeNull();
  });

  it('white space around a code, a byte-order mark or a no-break space included, is trimmed: the same code, stored without it', () => {
    for (const code of ['WELCOME10\uFEFF', '\u00A0WELCOME10', '\u3000WELCOME10\u2029']) {
      const parsed = createCouponSchema.safeParse(form(code));
      expect(parsed.success && parsed.data.code).toBe('WELCOME10');
      expect(couponCodeKey(code)).toBe('welcome10');
    }
  });

  it('a cart cookie carrying a look-alike keeps no code', () => {
    for (const code of LOOK_ALIKES.filter((c) => c !== 'WELCOME1O')) {
      const raw = serializeCart({ lines: [], couponCode: code }, TENANT);
      expect(parseCart(raw, TENANT).couponCode).toBeNull();
    }
  });
});

const codeText: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{3,32}$/),
  fc.constantFrom(...LOOK_ALIKES, 'welcome10', 'Welcome10', ' WELCOME10 ', 'WELCOME10\n', 'WE', 'x'.repeat(33), ''),
  anyUnicode,
  controlChars,
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{3,10}$/), fc.constantFrom('\u200D', '\u0301', '\u202E', '\uFF10', 'Е', 'О', '\u00A0', '\u2060'), fc.nat(10))
    .map(([code, odd, at]) => code.slice(0, at) + odd + code.slice(at)),
);

describe('coupon codes (property)', () => {
  it('what can be created is ASCII, and its lookup key is its ASCII lower case', () => {
    fc.assert(
      fc.property(codeText, (code) => {
        const parsed = createCouponSchema.safeParse(form(code));
        const codeIssue = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === 'code');
        if (codeIssue) {
          expect(zodDefaultIn(codeIssue.message)).toBe(false);
          expect(leaksIn(codeIssue.message)).toEqual([]);
          return;
        }
        const taken = parsed.success ? parsed.data.code : code.trim();
        expect(taken).toMatch(COUPON_CODE_PATTERN);
        expect(couponCodeKey(taken)).toBe(taken.replace(/[A-Z]/g, (c) => c.toLowerCase()));
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('two typed codes that share a key are the same ASCII word in another case (no look-alike ever collides)', () => {
    fc.assert(
      fc.property(codeText, codeText, (a, b) => {
        const ka = couponCodeKey(a);
        const kb = couponCodeKey(b);
        if (ka === null || kb === null || ka !== kb) return;
        expect(a.trim().toLowerCase()).toBe(b.trim().toLowerCase());
        expect(/^[\x21-\x7e]+$/.test(a.trim()) && /^[\x21-\x7e]+$/.test(b.trim())).toBe(true);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('a key is never derived from a non-ASCII code (NFKC or case folding cannot reach another code)', () => {
    fc.assert(
      fc.property(codeText, (code) => {
        const key = couponCodeKey(code);
        if (key === null) return;
        expect(key).toMatch(/^[a-z0-9_-]{3,32}$/);
        expect(code.trim().normalize('NFKC')).toBe(code.trim());
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });
});
