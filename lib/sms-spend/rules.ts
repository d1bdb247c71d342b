import 'server-only';
import type { SmsBudgetPolicy } from '@/db/schema/tenants';

/**
 * The SMS spend guard's rules (issue 19 point 3), pure: the CRM page draws the budget bar with
 * them and the send paths decide with the same functions.
 *
 * - A month is a calendar month in UTC, named by its first day ('2026-03-01').
 * - The budget counts messages (not segments); the clinic pays per segment, so the cost estimate
 *   multiplies segments by a price.
 * - At 80 % of the budget the clinic's admins are told once; at 100 % the clinic's policy decides
 *   what still goes. Sign-in and verification codes always go (they are sent straight to the
 *   provider, not through the outbox); marketing always stops.
 */

export const SMS_WARNING_PERCENT = 80;

/**
 * A message held by the budget is released (budget raised, policy loosened, a new month) only
 * while it is this fresh. The shortest built-in reminder goes 2 hours before the visit: a text
 * held longer could speak of a visit that has already begun, so it stays held (never sent late).
 */
export const SMS_HELD_RELEASE_SECONDS = 2 * 60 * 60;

/** The month a moment counts in: its first day in UTC, as sms_monthly_usage.month stores it. */
export function usageMonth(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** The first instant of the month after `month` ('2026-03-01' → 2026-04-01T00:00:00Z). */
export function nextMonthStart(month: string): Date {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, mon, 1));
}

/** This month and the `count - 1` before it, newest first. */
export function recentMonths(at: Date, count: number): string[] {
  return Array.from({ length: count }, (_, back) => usageMonth(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1))));
}

/** "March 2026". */
export function monthLabel(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, mon - 1, 1)).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Messages sent at which the 80 % warning goes out (at least 1). */
export function warningThreshold(budget: number): number {
  return Math.max(1, Math.ceil((budget * SMS_WARNING_PERCENT) / 100));
}

export type BudgetState = 'none' | 'under' | 'warned' | 'exhausted';

/** Where a month's count stands against the budget (null: no budget). */
export function budgetState(sent: number, budget: number | null): BudgetState {
  if (budget === null) return 'none';
  if (sent >= budget) return 'exhausted';
  return sent >= warningThreshold(budget) ? 'warned' : 'under';
}

/** The outbox's purposes (db/schema/outbox.ts outboxPurposes). */
export type OutboxSmsPurpose = 'care' | 'marketing';

/** Whether a queued message of `purpose` still goes once the month's budget is spent. */
export function goesPastBudget(policy: SmsBudgetPolicy, purpose: OutboxSmsPurpose): boolean {
  return policy === 'codes_and_care' && purpose === 'care';
}

/**
 * Of an hourly ceiling, what queued messages may use: codes keep the last tenth, so a campaign
 * or a burst of reminders cannot leave patients unable to sign in for the rest of the hour.
 */
export function queuedShareOfCeiling(limit: number): number {
  return limit - Math.floor(limit / 10);
}

/** Micro-dollars for `segments` at `pricePerSegment` micro-dollars each. */
export function estimateCostMicroUsd(segments: number, pricePerSegment: number): number {
  return segments * pricePerSegment;
}

/** "$12.87" from micro-dollars, rounded to the cent. */
export function formatUsd(microUsd: number): string {
  return (Math.round(microUsd / 10_000) / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}

/** "$0.00858" from micro-dollars: a per-segment price shown to the cent would read $0.01. */
export function formatUsdPrice(microUsd: number): string {
  return `$${(microUsd / 1_000_000).toFixed(5).replace(/0+$/, '').replace(/\.$/, '.00')}`;
}

/** A phone number as audit entries and logs may show it: the country's first digit and the last two. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 5) return '•••';
  return `+${digits[0]}${'•'.repeat(digits.length - 3)}${digits.slice(-2)}`;
}

/** Percent of the budget used, whole, for the bar (may pass 100: codes always go). */
export function percentUsed(sent: number, budget: number): number {
  return Math.floor((sent * 100) / budget);
}
