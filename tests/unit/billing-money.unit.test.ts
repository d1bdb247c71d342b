import { describe, expect, it } from 'vitest';
import { allocate, applyBasisPoints, currencyDigits, formatMoney, invoiceTotals, lineAmounts, MoneyError, parseMoney } from '@/lib/billing/money';

describe('tax in basis points, rounded half away from zero', () => {
  it('rounds a half cent up for a charge and down for a credit, and anything less than half toward zero', () => {
    expect(applyBasisPoints(1000, 825)).toBe(83); // 82.5
    expect(applyBasisPoints(-1000, 825)).toBe(-83); // -82.5: away from zero, not toward +∞
    expect(applyBasisPoints(999, 825)).toBe(82); // 82.41675
    expect(applyBasisPoints(1, 5000)).toBe(1); // 0.5
    expect(applyBasisPoints(1, 4999)).toBe(0); // 0.4999
    // -0 (the sign of a credit kept on a zero): equal to 0 wherever it is used.
    expect(applyBasisPoints(-1, 4999) === 0).toBe(true);
    expect(applyBasisPoints(12_345, 10_000)).toBe(12_345);
    expect(applyBasisPoints(12_345, 0)).toBe(0);
  });

  it('refuses a rate outside 0–100 % or a fractional amount', () => {
    expect(() => applyBasisPoints(100, 10_001)).toThrow(MoneyError);
    expect(() => applyBasisPoints(100, -1)).toThrow(MoneyError);
    expect(() => applyBasisPoints(100, 8.25)).toThrow(MoneyError);
    expect(() => applyBasisPoints(10.5, 825)).toThrow(MoneyError);
  });
});

describe('a line’s amounts', () => {
  it('charges tax on what is left after the discount', () => {
    // 3 × $19.99 = $59.97, less $5.00 = $54.97, 8.25 % tax = $4.535025 → $4.54
    expect(lineAmounts({ quantity: 3, unitAmount: 1999, discountAmount: 500, taxRateBp: 825 })).toEqual({ subtotal: 5997, discountAmount: 500, taxAmount: 454, total: 5951 });
    // A full discount leaves nothing to tax.
    expect(lineAmounts({ quantity: 1, unitAmount: 1000, discountAmount: 1000, taxRateBp: 1000 })).toEqual({ subtotal: 1000, discountAmount: 1000, taxAmount: 0, total: 0 });
    // No discount and no tax given: neither.
    expect(lineAmounts({ quantity: 2, unitAmount: 12_000 })).toEqual({ subtotal: 24_000, discountAmount: 0, taxAmount: 0, total: 24_000 });
  });

  it('refuses a discount above the line, a quantity under one, and fractions of a cent', () => {
    expect(() => lineAmounts({ quantity: 1, unitAmount: 1000, discountAmount: 1001 })).toThrow('the discount is more than the line');
    expect(() => lineAmounts({ quantity: 0, unitAmount: 1000 })).toThrow(MoneyError);
    expect(() => lineAmounts({ quantity: 1.5, unitAmount: 1000 })).toThrow(MoneyError);
    expect(() => lineAmounts({ quantity: 1, unitAmount: 10.5 })).toThrow(MoneyError);
    expect(() => lineAmounts({ quantity: 1, unitAmount: -100 })).toThrow(MoneyError);
    expect(() => lineAmounts({ quantity: 1, unitAmount: 100, discountAmount: -1 })).toThrow(MoneyError);
  });

  it('adds an invoice up from its rounded lines, so the printed lines add up to the total', () => {
    const lines = [
      lineAmounts({ quantity: 1, unitAmount: 1000, taxRateBp: 825 }), // tax 82.5 → 83
      lineAmounts({ quantity: 1, unitAmount: 1000, taxRateBp: 825 }), // 83 again (not 165 from 2000 × 8.25 %)
      lineAmounts({ quantity: 2, unitAmount: 250, discountAmount: 100 }),
    ];
    expect(invoiceTotals(lines)).toEqual({ subtotal: 2500, discountTotal: 100, taxTotal: 166, total: 2566 });
    expect(invoiceTotals([])).toEqual({ subtotal: 0, discountTotal: 0, taxTotal: 0, total: 0 });
  });
});

describe('parseMoney: typed text to minor units, never through a float', () => {
  it('reads the edge cases exactly', () => {
    expect(parseMoney('0.1', 'USD')).toBe(10);
    expect(parseMoney('0.10', 'USD')).toBe(10);
    expect(parseMoney('1.005', 'USD')).toBeNull(); // a third decimal is not a cent
    expect(parseMoney('$1,200.50', 'USD')).toBe(120_050);
    expect(parseMoney('80', 'USD')).toBe(8000);
    expect(parseMoney(' 12.3 ', 'USD')).toBe(1230);
    expect(parseMoney('€ 9.99', 'EUR')).toBe(999);
    expect(parseMoney('0', 'USD')).toBe(0);
  });

  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '-5', '1e3', '.5', '12.3.4', '$', '1 000', '99999999999']) expect(parseMoney(bad, 'USD')).toBeNull();
  });

  it('follows the currency’s decimals: yen have none', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(parseMoney('1000', 'JPY')).toBe(1000);
    expect(parseMoney('10.5', 'JPY')).toBeNull();
  });
});

describe('formatMoney', () => {
  it('shows minor units as the person reads them', () => {
    expect(formatMoney(12_345, 'USD')).toBe('$123.45');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(-2500, 'USD')).toBe('-$25.00');
    expect(formatMoney(1000, 'JPY')).toBe('¥1,000');
    expect(formatMoney(120_050, 'EUR', 'de-DE')).toBe('1.200,50\u00a0€');
  });
});

describe('allocate: a payment over invoices, oldest first', () => {
  const dues = [{ id: 'a', due: 500 }, { id: 'b', due: 300 }, { id: 'c', due: 0 }, { id: 'd', due: 200 }];

  it('fills each invoice in order, never more than it is due', () => {
    expect(allocate(600, dues)).toEqual([{ id: 'a', amount: 500 }, { id: 'b', amount: 100 }]);
    expect(allocate(800, dues)).toEqual([{ id: 'a', amount: 500 }, { id: 'b', amount: 300 }]);
  });

  it('skips invoices with nothing due and never allocates more than is due in all', () => {
    const all = allocate(5000, dues);
    expect(all).toEqual([{ id: 'a', amount: 500 }, { id: 'b', amount: 300 }, { id: 'd', amount: 200 }]);
    expect(all.reduce((s, a) => s + a.amount, 0)).toBe(1000);
    expect(allocate(0, dues)).toEqual([]);
    expect(allocate(100, [{ id: 'x', due: -50 }, { id: 'y', due: 70 }])).toEqual([{ id: 'y', amount: 70 }]);
  });
});
