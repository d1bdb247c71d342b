/**
 * Money arithmetic on integer minor units (cents for USD): never floats. Pure, browser-safe.
 * Rounding is half away from zero, on each line (what a receipt shows adds up).
 */
import { numberFormat } from '@/lib/intl/number-format';

export interface LineInput {
  quantity: number;
  unitAmount: number;
  /** An amount off the line, in minor units (never more than the line's subtotal). */
  discountAmount?: number;
  /** Basis points: 825 is 8.25 %. */
  taxRateBp?: number;
}

export interface LineAmounts {
  subtotal: number;
  discountAmount: number;
  taxAmount: number;
  total: number;
}

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

function assertMinor(value: number, what: string) {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${what} must be a whole number of minor units`);
}

/** value × bp / 10000, rounded half away from zero, in integers only. */
export function applyBasisPoints(value: number, bp: number): number {
  assertMinor(value, 'amount');
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) throw new MoneyError('a rate must be 0–10000 basis points');
  const product = value * bp;
  if (!Number.isSafeInteger(product)) throw new MoneyError('amount too large');
  const sign = product < 0 ? -1 : 1;
  const abs = Math.abs(product);
  const whole = Math.floor(abs / 10_000);
  const rest = abs - whole * 10_000;
  return sign * (rest * 2 >= 10_000 ? whole + 1 : whole);
}

/** A line's amounts: tax is charged on what is left after the discount. */
export function lineAmounts(line: LineInput): LineAmounts {
  const discount = line.discountAmount ?? 0;
  const rate = line.taxRateBp ?? 0;
  if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new MoneyError('quantity must be a whole number of at least 1');
  assertMinor(line.unitAmount, 'unit price');
  assertMinor(discount, 'discount');
  if (line.unitAmount < 0 || discount < 0) throw new MoneyError('amounts cannot be negative');
  const subtotal = line.quantity * line.unitAmount;
  assertMinor(subtotal, 'line subtotal');
  if (discount > subtotal) throw new MoneyError('the discount is more than the line');
  const taxAmount = applyBasisPoints(subtotal - discount, rate);
  return { subtotal, discountAmount: discount, taxAmount, total: subtotal - discount + taxAmount };
}

export interface InvoiceTotals {
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
}

export function invoiceTotals(lines: readonly LineAmounts[]): InvoiceTotals {
  const totals = lines.reduce(
    (t, l) => ({ subtotal: t.subtotal + l.subtotal, discountTotal: t.discountTotal + l.discountAmount, taxTotal: t.taxTotal + l.taxAmount, total: t.total + l.total }),
    { subtotal: 0, discountTotal: 0, taxTotal: 0, total: 0 },
  );
  assertMinor(totals.total, 'invoice total');
  return totals;
}

// Kept per currency, and per locale and currency: a list page writes an amount per row, and
// numberFormat's key (options as JSON) plus resolvedOptions() cost more than the formatting.
const digitsByCurrency = new Map<string, number>();
const moneyFormats = new Map<string, { format: Intl.NumberFormat; scale: number }>();

/** Digits after the decimal point for an ISO 4217 currency (JPY has none). */
export function currencyDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = numberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    // Codes come from the clinic's settings and a few constants; the cap only guards memory.
    if (digitsByCurrency.size < 500) digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** Minor units as the person reads them: formatMoney(12345, 'USD') → "$123.45". */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const key = `${locale}|${currency}`;
  let money = moneyFormats.get(key);
  if (!money) {
    const digits = currencyDigits(currency);
    money = { format: numberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }), scale: 10 ** digits };
    if (moneyFormats.size < 500) moneyFormats.set(key, money);
  }
  return money.format.format(minor / money.scale);
}

/** The signs an amount in `currency` may start with: its code and its symbols as the pages show them ("$", "US$", "€"). */
function currencyPrefixes(currency: string): string[] {
  const signs = new Set([currency.toUpperCase()]);
  for (const locale of ['en-US', 'es']) {
    for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
      const sign = numberFormat(locale, { style: 'currency', currency, currencyDisplay }).formatToParts(0).find((p) => p.type === 'currency')?.value;
      if (sign) signs.add(sign.toUpperCase());
    }
  }
  // Longest first, so "US$" is taken whole before "$" is tried.
  return [...signs].sort((a, b) => b.length - a.length);
}

/**
 * What a person typed ("123.45", "$1,200", "80") as minor units, or null when it is not an amount.
 * Parsed as text, never through a float: "0.1" is 10 cents, "1.005" is refused. Only the
 * currency's own sign or code may lead ("€10" is not ten dollars), and commas only group
 * thousands ("10,50", a decimal comma, is refused rather than read as 1,050).
 */
export function parseMoney(input: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  let text = input.trim();
  const sign = currencyPrefixes(currency).find((p) => text.toUpperCase().startsWith(p));
  if (sign) text = text.slice(sign.length).trimStart();
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const whole = match[1]!.replaceAll(',', '');
  const fraction = match[2] ?? '';
  if (whole.length > 9 || fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/**
 * Splits `amount` over `dues` in order (oldest invoice first), never more than each is due.
 * Returns what goes to each; the sum is min(amount, sum of dues).
 */
export function allocate(amount: number, dues: readonly { id: string; due: number }[]): { id: string; amount: number }[] {
  assertMinor(amount, 'amount');
  let left = amount;
  const out: { id: string; amount: number }[] = [];
  for (const d of dues) {
    if (left <= 0) break;
    const take = Math.min(left, Math.max(0, d.due));
    if (take > 0) out.push({ id: d.id, amount: take });
    left -= take;
  }
  return out;
}
