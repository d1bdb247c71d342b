import 'server-only';
import { and, asc, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { outboxMessages, smsMonthlyUsage } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { SmsSpendAuditActions } from './audit-actions';
import { SMS_BUDGET_HOLD } from './budget';
import { loadSmsSpendSettings } from './clinic-settings';
import { goesPastBudget, recentMonths, SMS_HELD_RELEASE_SECONDS, usageMonth } from './rules';
import { smsSentThisMonth } from './usage';

/**
 * Gives held SMS back to the outbox once the budget lets them go: the budget raised or removed,
 * the policy loosened (codes and care), or a new month. Only messages held within the last
 * SMS_HELD_RELEASE_SECONDS (2 hours) go: an older reminder would arrive after the visit it is
 * about, so it stays held, unsent. Of the rest, those the policy lets past a spent budget all go;
 * the others, oldest first, as many as the budget has room for (the dispatcher checks the budget
 * again when each is sent). Runs when the CRM form is saved and as the `sms-release` job.
 *
 * A held row's next_attempt_at is when it was held (the dispatcher writes it so); its month's
 * `held` count is taken back when it is released.
 */
export async function releaseHeldSms(db: Executor, tenantId: string): Promise<{ released: number }> {
  const at = clockNow();
  const settings = await loadSmsSpendSettings(db, tenantId);
  return db.transaction(async (tx) => {
    const held = await tx
      .select({ id: outboxMessages.id, purpose: outboxMessages.purpose, heldAt: outboxMessages.nextAttemptAt })
      .from(outboxMessages)
      .where(and(
        eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.status, 'held'), eq(outboxMessages.channel, 'sms'),
        gte(outboxMessages.nextAttemptAt, addSeconds(at, -SMS_HELD_RELEASE_SECONDS)),
      ))
      .orderBy(asc(outboxMessages.nextAttemptAt))
      .for('update', { skipLocked: true });
    if (held.length === 0) return { released: 0 };
    const budget = settings.monthlyBudget;
    let room = budget === null ? Infinity : Math.max(0, budget - (await smsSentThisMonth(tx, tenantId)));
    const chosen = held.filter((row) => {
      if (budget === null || goesPastBudget(settings.budgetPolicy, row.purpose)) return true;
      if (room <= 0) return false;
      room--;
      return true;
    });
    if (chosen.length === 0) return { released: 0 };
    await tx
      .update(outboxMessages)
      .set({ status: 'pending', nextAttemptAt: at, lockedUntil: null, lastError: null })
      .where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.status, 'held'), inArray(outboxMessages.id, chosen.map((row) => row.id))));
    const perMonth = new Map<string, number>();
    for (const row of chosen) perMonth.set(usageMonth(row.heldAt), (perMonth.get(usageMonth(row.heldAt)) ?? 0) + 1);
    for (const [month, count] of perMonth) {
      await tx
        .update(smsMonthlyUsage)
        .set({ held: sql`greatest(${smsMonthlyUsage.held} - ${count}, 0)` })
        .where(and(eq(smsMonthlyUsage.tenantId, tenantId), eq(smsMonthlyUsage.month, month)));
    }
    await recordAudit(tx, {
      tenantId,
      actor: { kind: 'system', label: 'SMS spend guard' },
      action: SmsSpendAuditActions.heldReleased,
      details: { released: chosen.length, stillHeld: held.length - chosen.length, reason: SMS_BUDGET_HOLD },
    });
    return { released: chosen.length };
  });
}

/**
 * The `sms-release` job: every clinic with messages held this month or last (a message held just
 * before midnight UTC on the last day goes at the new month). Each clinic's release locks the rows
 * it releases (SKIP LOCKED), so two runners release each message once.
 */
export async function releaseHeldSmsEverywhere(db: Executor): Promise<{ smsReleased: number }> {
  const clinics = await db
    .selectDistinct({ tenantId: smsMonthlyUsage.tenantId })
    .from(smsMonthlyUsage)
    .where(and(inArray(smsMonthlyUsage.month, recentMonths(clockNow(), 2)), gt(smsMonthlyUsage.held, 0)));
  let smsReleased = 0;
  for (const { tenantId } of clinics) smsReleased += (await releaseHeldSms(db, tenantId)).released;
  return { smsReleased };
}
