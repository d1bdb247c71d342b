import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Phone numbers are stored in E.164 (+15555550101). Parsing accepts what people type, in the
 * clinic's country when no country code is given.
 */
export function toE164(input: string, defaultCountry: CountryCode = 'US'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  return parsed && parsed.isPossible() ? parsed.number : null;
}

/**
 * How a stored number is shown: national for the US, international otherwise. Parsing with the
 * full metadata costs ~25 µs a number, paid again for every row of every list (a day's schedule,
 * a search page, the inbox), so the formatted text is remembered per process.
 */
export function formatPhoneForDisplay(e164: string): string {
  const known = displayed.get(e164);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(e164);
  const text = !parsed ? e164 : parsed.country === 'US' ? parsed.formatNational() : parsed.formatInternational();
  if (displayed.size >= MAX_REMEMBERED) displayed.clear();
  displayed.set(e164, text);
  return text;
}

const MAX_REMEMBERED = 10_000;
const displayed = new Map<string, string>();
