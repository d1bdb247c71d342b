import 'server-only';

/**
 * What one SMS segment costs, for the estimates the CRM and the console show: micro-dollars from
 * SMS_PRICE_PER_SEGMENT_MICRO_USD, by default 8,580 ($0.00858, AWS SNS's price for a US number).
 * An estimate: the provider's bill (carrier fees, other countries) is the real figure.
 */
export const DEFAULT_SMS_PRICE_PER_SEGMENT_MICRO_USD = 8_580;

export function smsPricePerSegmentMicroUsd(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SMS_PRICE_PER_SEGMENT_MICRO_USD?.trim();
  // The environment schema (lib/config/environment.ts) refuses a malformed value at start-up.
  return raw && /^\d+$/.test(raw) ? Number(raw) : DEFAULT_SMS_PRICE_PER_SEGMENT_MICRO_USD;
}
