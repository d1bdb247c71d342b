import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/billing/money';

// formatMoney keeps one formatter per locale and currency: each pair must still get its own.
describe('formatMoney, formatters kept per locale and currency', () => {
  it('formats one currency in two locales, and two currencies in one, each its own way, in any order', () => {
    for (let round = 0; round < 2; round++) {
      expect(formatMoney(120_050, 'EUR', 'de-DE')).toBe('1.200,50\u00a0€');
      expect(formatMoney(120_050, 'EUR', 'en-US')).toBe('€1,200.50');
      expect(formatMoney(120_050, 'USD', 'en-US')).toBe('$1,200.50');
      expect(formatMoney(1000, 'JPY', 'en-US')).toBe('¥1,000');
      // Against a formatter built for the call, as formatMoney did before it kept them.
      for (const [locale, currency] of [['es', 'USD'], ['de-DE', 'USD'], ['es', 'EUR']] as const) {
        const fresh = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
        expect(formatMoney(120_050, currency, locale)).toBe(fresh.format(1200.5));
      }
    }
  });

  it('still refuses a currency code that does not exist', () => {
    expect(() => formatMoney(1, 'XX')).toThrow(RangeError);
    expect(() => formatMoney(1, 'XX')).toThrow(RangeError);
  });
});
