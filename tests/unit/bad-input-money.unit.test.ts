import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustmentFromForm, adjustmentSchema, readInvoiceLines } from '@/lib/billing/invoice-forms';
import { formatMoney, parseMoney } from '@/lib/billing/money';
import { deskPaymentFromForm, deskPaymentSchema, refundFromForm, refundSchema } from '@/lib/billing/staff-forms';
import { couponFromForm, createCouponSchema } from '@/lib/commerce/coupon-forms';
import { createProductSchema, productFromForm, readPhaseRows } from '@/lib/commerce/product-forms';
import { hostileNumberText, hostileString, leaksIn, unicodeDigits, zodDefaultIn } from '../support/hostile';

/**
 * Issue 21 point 7, bad input for amounts, wherever money is typed (invoice lines, adjustments,
 * product prices and phases, coupon amounts; the desk's payments and refunds read the same
 * parseMoney): negative, zero, huge, fractional cents, other currencies and symbols, other
 * scripts' digits, separators. Each is refused in words or read exactly: a value taken is the
 * minor units the person meant, checked against a strict reader written here.
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 100);
const SEED = 2122;

/**
 * What an amount typed in US dollars means, read by the strictest rule: an optional "$" or
 * "USD", digits grouped by commas in threes (or not at all), at most two decimals. Null when it
 * does not mean one amount. parseMoney may refuse more than this, never read differently.
 */
function meant(text: string): number | null {
  const m = /^\s*(?:\$|US\$|USD)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{0,2}))?\s*$/i.exec(text);
  if (!m) return null;
  const whole = m[1]!.replaceAll(',', '');
  if (whole.length > 9) return null;
  return Number(whole) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Amounts people, scripts and other countries type. */
const amountText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileNumberText },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: unicodeDigits },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '-1', '-0', '0', '0.00', '-10.00', '10.005', '1e-3', '1e3', '1E2', '0.001', 'Infinity', '-Infinity', 'NaN', '1e308', '9007199254740993', '99999999999',
      '€10', '€ 10', '10 EUR', 'EUR 10', '10€', '£5', '¥100', '₹100', 'R$10', 'CHF 10', 'abc10', 'x1', '$$10', '$-5', '-$5', '($5)',
      '١٠', '١٠٫٥٠', '１０', '１０.５０', '𝟏𝟎', '10,50', '10,5', '1,0', '1,00,000', '1.000,50', '1 000', '1\u00a0000', '1\u202f000', '1_000', "1'000",
      '10.', '.5', '10.5.0', '0x10', '0b11', '+10', ' 10 ', '\t10\n', '10\u0000', '1,200.50', '$1,200.50', 'USD 12.30', '12,345,678.90', '1,234,567,890',
    ),
  },
  fc.tuple(fc.constantFrom('', '$', 'USD', '€', 'EUR', '-', '+', ' '), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.constantFrom('', '.', '.5', '.50', '.505', ',50', ',500'), fc.constantFrom('', ' ', ' EUR', '€'))
    .map(([pre, n, frac, post]) => `${pre}${n}${frac}${post}`),
);

describe('parseMoney (property): refused, or read exactly as meant', () => {
  it('never a throw; a value taken is a whole number of cents, what the strict reader says', () => {
    fc.assert(
      fc.property(amountText, (text) => {
        const read = parseMoney(text, 'USD');
        if (read === null) return;
        expect(Number.isSafeInteger(read) && read >= 0, text).toBe(true);
        expect(read, JSON.stringify(text)).toBe(meant(text));
      }),
      { numRuns: RUNS * 10, seed: SEED },
    );
  });

  it('reads back every amount it shows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (minor) => {
        expect(parseMoney(formatMoney(minor, 'USD'), 'USD')).toBe(minor);
        expect(parseMoney(formatMoney(minor, 'EUR'), 'EUR')).toBe(minor);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it.each([['€10'], ['€ 10'], ['EUR 10'], ['£5'], ['¥100'], ['abc10'], ['R$10'], ['CHF 10']])('%j in a dollar clinic is refused, not read as dollars', (text) => {
    expect(parseMoney(text, 'USD')).toBeNull();
  });

  it.each([['10,50'], ['10,5'], ['1,0'], ['1,00,000'], ['1.000,50'], [',100']])('%j (a decimal comma or stray separators) is refused, not read as thousands', (text) => {
    expect(parseMoney(text, 'USD')).toBeNull();
  });

  it('a clinic’s own symbol and code are taken', () => {
    expect(parseMoney('€10', 'EUR')).toBe(1000);
    expect(parseMoney('EUR 10', 'EUR')).toBe(1000);
    expect(parseMoney('US$ 1,200', 'USD')).toBe(120_000);
    expect(parseMoney('¥1,000', 'JPY')).toBe(1000);
    expect(parseMoney('$10', 'EUR')).toBeNull();
  });
});

/** A form's messages: in words, not zod's, no internals. */
function wordsOnly(issues: readonly { message: string }[]) {
  for (const { message } of issues) {
    expect(zodDefaultIn(message), message).toBe(false);
    expect(leaksIn(message), message).toEqual([]);
  }
}

describe('amount fields of the forms (property)', () => {
  const product = (price: string) => ({
    currency: 'USD', name: 'Kit', description: '', kind: 'one_time', price, category: '', visibility: 'portal', position: '0',
  });

  it('a product’s price is refused in words or stored as meant, never above the limit', () => {
    fc.assert(
      fc.property(amountText, (price) => {
        const parsed = createProductSchema.safeParse(product(price));
        if (!parsed.success) return wordsOnly(parsed.error.issues);
        const unitAmount = productFromForm(parsed.data).unitAmount;
        expect(unitAmount, price).toBe(meant(price.trim()));
        expect(unitAmount!).toBeLessThanOrEqual(100_000_000);
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  it('a subscription phase’s price likewise', () => {
    fc.assert(
      fc.property(amountText, (price) => {
        const result = readPhaseRows([{ price, unit: 'month', count: '1', ends: 'forever', cycles: '' }], 'USD');
        if ('error' in result) {
          expect(leaksIn(result.error)).toEqual([]);
          return;
        }
        expect(result.phases[0]!.unitAmount, price).toBe(meant(price.trim()));
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  it('a coupon’s amount off likewise (above zero)', () => {
    fc.assert(
      fc.property(amountText, (amount) => {
        const parsed = createCouponSchema.safeParse({ currency: 'USD', code: 'SPRING25', description: '', kind: 'amount', percent: '', amount, validFrom: '', validTo: '', appliesTo: 'all', productIds: [], maxRedemptions: '', perPatientLimit: '', firstOrderOnly: '', subscriptionCycles: '' });
        if (!parsed.success) return wordsOnly(parsed.error.issues);
        const off = couponFromForm(parsed.data).amountOff!;
        expect(off, amount).toBe(meant(amount.trim()));
        expect(off).toBeGreaterThan(0);
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  it('an adjustment likewise (above zero)', () => {
    fc.assert(
      fc.property(amountText, fc.constantFrom('credit', 'charge'), (amount, direction) => {
        const parsed = adjustmentSchema.safeParse({ invoiceId: '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c', currency: 'USD', direction, amount, memo: 'Goodwill' });
        if (!parsed.success) return wordsOnly(parsed.error.issues);
        expect(Math.abs(adjustmentFromForm(parsed.data).amount), amount).toBe(meant(amount.trim()));
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  const UUID = '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c';

  it('a desk payment likewise (above zero)', () => {
    fc.assert(
      fc.property(amountText, (amount) => {
        const parsed = deskPaymentSchema.safeParse({ attemptKey: UUID, patientId: UUID, currency: 'USD', method: 'cash', reference: '', locationId: '', amount, invoiceIds: [UUID] });
        if (!parsed.success) return wordsOnly(parsed.error.issues);
        expect(deskPaymentFromForm(parsed.data).amount, amount).toBe(meant(amount.trim()));
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  it('a refund likewise (above zero)', () => {
    fc.assert(
      fc.property(amountText, (amount) => {
        const parsed = refundSchema.safeParse({ attemptKey: UUID, paymentId: UUID, currency: 'USD', amount, reason: 'Overcharged' });
        if (!parsed.success) return wordsOnly(parsed.error.issues);
        expect(refundFromForm(parsed.data).amount, amount).toBe(meant(amount.trim()));
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  it('every one of these forms takes a plain amount (so the properties above are not vacuous)', () => {
    const amount = '$1,200.50';
    const desk = deskPaymentSchema.parse({ attemptKey: UUID, patientId: UUID, currency: 'USD', method: 'cash', reference: '', locationId: '', amount, invoiceIds: [UUID] });
    expect(deskPaymentFromForm(desk).amount).toBe(120_050);
    expect(refundFromForm(refundSchema.parse({ attemptKey: UUID, paymentId: UUID, currency: 'USD', amount, reason: 'Overcharged' })).amount).toBe(120_050);
    expect(adjustmentFromForm(adjustmentSchema.parse({ invoiceId: UUID, currency: 'USD', direction: 'charge', amount, memo: 'Goodwill' })).amount).toBe(120_050);
    expect(productFromForm(createProductSchema.parse(product(amount))).unitAmount).toBe(120_050);
    const phases = readPhaseRows([{ price: amount, unit: 'month', count: '1', ends: 'forever', cycles: '' }], 'USD');
    expect('phases' in phases && phases.phases[0]!.unitAmount).toBe(120_050);
  });

  it('an invoice line’s price and discount likewise', () => {
    fc.assert(
      fc.property(amountText, fc.option(amountText, { nil: '' }), (unitPrice, discount) => {
        const result = readInvoiceLines({ currency: 'USD', lineKind: [''], lineServiceId: [''], lineDescription: ['Visit'], lineQuantity: ['1'], lineUnitPrice: [unitPrice], lineDiscount: [discount], lineTaxRate: [''] });
        if ('error' in result) {
          expect(leaksIn(result.error)).toEqual([]);
          return;
        }
        const [line] = result.lines;
        expect(line!.unitAmount, unitPrice).toBe(meant(unitPrice.trim()));
        expect(line!.discountAmount ?? 0, discount).toBe(discount.trim() === '' ? 0 : meant(discount.trim()));
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });
});
