import 'server-only';
import { sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { smsMonthlyUsage } from '@/db/schema';
import type { SmsSpendSettings } from './clinic-settings';
import { goesPastBudget, usageMonth, type OutboxSmsPurpose } from './rules';
import { markBudgetCrossings, smsSentThisMonth } from './usage';

/**
 * The budget's send-time check for the outbox dispatcher (lib/outbox/dispatcher.ts). Codes never
 * reach it: they go straight to the provider and always go. A queued SMS is held when the month's
 * count has reached the budget and the clinic's policy does not let its purpose past (marketing
 * never goes past). The count is read per message, just before it would go; messages already in
 * flight on other dispatchers may take the count a few past the budget, never more than their
 * number.
 */

/** outbox_messages.last_error of a message the budget holds (status 'held'). */
export const SMS_BUDGET_HOLD = 'sms_budget';

export async function overSmsBudget(db: Executor, message: { tenantId: string; purpose: OutboxSmsPurpose }, settings: SmsSpendSettings): Promise<boolean> {
  if (settings.monthlyBudget === null || goesPastBudget(settings.budgetPolicy, message.purpose)) return false;
  return (await smsSentThisMonth(db, message.tenantId)) >= settings.monthlyBudget;
}

/**
 * Counts a message held in the month of `at`, in the transaction that marks it held; the month is
 * marked exhausted (and the admins told) if it was not yet, as when the budget was lowered below
 * the month's count. sms_monthly_usage.held counts messages held in that month that are still held:
 * a release takes them off again (release.ts).
 */
export async function recordSmsHeld(tx: Executor, tenantId: string, settings: SmsSpendSettings, at: Date): Promise<void> {
  const month = usageMonth(at);
  const [row] = await tx
    .insert(smsMonthlyUsage)
    .values({ tenantId, month, held: 1 })
    .onConflictDoUpdate({ target: [smsMonthlyUsage.tenantId, smsMonthlyUsage.month], set: { held: sql`${smsMonthlyUsage.held} + 1` } })
    .returning({ sent: smsMonthlyUsage.sent });
  await markBudgetCrossings(tx, tenantId, { month, sent: row!.sent, settings, at });
}
