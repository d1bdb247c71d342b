import 'server-only';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { smsMonthlyUsage } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { smsSegments } from '@/lib/engagement/templates/sms-segments';
import { SmsSpendAuditActions } from './audit-actions';
import { loadSmsSpendSettings, type SmsSpendSettings } from './clinic-settings';
import { notifyAdminsOfBudget, type BudgetNoticeKind } from './notices';
import { usageMonth, warningThreshold } from './rules';

/**
 * A clinic's SMS count per month (sms_monthly_usage). Each SMS the provider accepted counts once,
 * with its segments, in the transaction that records it as sent (the outbox row's 'sent', a code's
 * stored hash), so a dispatcher that loses its lease, or two dispatchers, never count one twice.
 * The increment is an upsert: Postgres serialises it on the month's row, so none is lost.
 * Crossing 80 % of the budget, and reaching it, set warned_at and exhausted_at once each
 * (a conditional UPDATE: one transaction wins) and that transaction queues the admins' email.
 */

/** Counts one accepted SMS of `body`; returns the month's count after it. */
export async function recordSmsSent(db: Executor, tenantId: string, body: string): Promise<number> {
  const at = clockNow();
  const month = usageMonth(at);
  // An empty body still went out as one message.
  const segments = Math.max(1, smsSegments(body).segments);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(smsMonthlyUsage)
      .values({ tenantId, month, sent: 1, segments })
      .onConflictDoUpdate({
        target: [smsMonthlyUsage.tenantId, smsMonthlyUsage.month],
        set: { sent: sql`${smsMonthlyUsage.sent} + 1`, segments: sql`${smsMonthlyUsage.segments} + ${segments}` },
      })
      .returning({ sent: smsMonthlyUsage.sent });
    const sent = row!.sent;
    const settings = await loadSmsSpendSettings(tx, tenantId);
    if (settings.monthlyBudget !== null && sent >= warningThreshold(settings.monthlyBudget)) {
      await markBudgetCrossings(tx, tenantId, { month, sent, settings, at });
    }
    return sent;
  });
}

/** This month's count for the clinic (0 before its first SMS). */
export async function smsSentThisMonth(db: Executor, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ sent: smsMonthlyUsage.sent })
    .from(smsMonthlyUsage)
    .where(and(eq(smsMonthlyUsage.tenantId, tenantId), eq(smsMonthlyUsage.month, usageMonth(clockNow()))));
  return row?.sent ?? 0;
}

/**
 * Sets warned_at (at 80 %) and exhausted_at (at 100 %) where they are still empty, and tells the
 * admins once: when both marks are crossed at once, the "used up" email alone goes. Called with
 * the month's count wherever it may have crossed a mark: a send, a hold (a budget lowered below
 * the count), a budget saved.
 */
export async function markBudgetCrossings(
  tx: Executor,
  tenantId: string,
  input: { month: string; sent: number; settings: SmsSpendSettings; at: Date },
): Promise<BudgetNoticeKind | null> {
  const budget = input.settings.monthlyBudget;
  if (budget === null) return null;
  const row = and(eq(smsMonthlyUsage.tenantId, tenantId), eq(smsMonthlyUsage.month, input.month));
  const warned = input.sent >= warningThreshold(budget)
    && (await tx.update(smsMonthlyUsage).set({ warnedAt: input.at }).where(and(row, isNull(smsMonthlyUsage.warnedAt))).returning({ month: smsMonthlyUsage.month })).length > 0;
  const exhausted = input.sent >= budget
    && (await tx.update(smsMonthlyUsage).set({ exhaustedAt: input.at }).where(and(row, isNull(smsMonthlyUsage.exhaustedAt))).returning({ month: smsMonthlyUsage.month })).length > 0;
  const kind: BudgetNoticeKind | null = exhausted ? 'exhausted' : warned ? 'warning' : null;
  if (!kind) return null;
  const emailed = await notifyAdminsOfBudget(tx, tenantId, { kind, month: input.month, sent: input.sent, budget, policy: input.settings.budgetPolicy, at: input.at });
  await recordAudit(tx, {
    tenantId,
    actor: { kind: 'system', label: 'SMS spend guard' },
    action: kind === 'exhausted' ? SmsSpendAuditActions.budgetExhausted : SmsSpendAuditActions.budgetWarning,
    details: { month: input.month, sent: input.sent, budget, policy: input.settings.budgetPolicy, adminsEmailed: emailed },
  });
  return kind;
}

export interface MonthUsage {
  month: string;
  sent: number;
  segments: number;
  held: number;
  warnedAt: Date | null;
  exhaustedAt: Date | null;
}

/** The clinic's usage of each month asked for, in that order (zeros for a month without SMS). */
export async function usageOfMonths(db: Executor, tenantId: string, months: readonly string[]): Promise<MonthUsage[]> {
  const rows = await db
    .select({
      month: smsMonthlyUsage.month, sent: smsMonthlyUsage.sent, segments: smsMonthlyUsage.segments, held: smsMonthlyUsage.held,
      warnedAt: smsMonthlyUsage.warnedAt, exhaustedAt: smsMonthlyUsage.exhaustedAt,
    })
    .from(smsMonthlyUsage)
    .where(and(eq(smsMonthlyUsage.tenantId, tenantId), inArray(smsMonthlyUsage.month, [...months])));
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  return months.map((month) => byMonth.get(month) ?? { month, sent: 0, segments: 0, held: 0, warnedAt: null, exhaustedAt: null });
}
