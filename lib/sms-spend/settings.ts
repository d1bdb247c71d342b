import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { smsMonthlyUsage, tenantSettings } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { changedFields } from '@/lib/settings/errors';
import { SmsSpendAuditActions } from './audit-actions';
import { loadSmsSpendSettings, smsSpendColumns, type SmsSpendSettings } from './clinic-settings';
import { smsPricePerSegmentMicroUsd } from './price';
import { releaseHeldSms } from './release';
import { budgetState, estimateCostMicroUsd, recentMonths, usageMonth, warningThreshold, type BudgetState } from './rules';
import type { SmsSpendSettingsInput } from './settings-form';
import { markBudgetCrossings, usageOfMonths, type MonthUsage } from './usage';

/**
 * CRM → SMS usage (`settings.manage`): this month's count, segments, held messages and cost
 * estimate, the last six months, and the spend guard's settings.
 */

export interface SmsUsageMonth extends MonthUsage {
  costMicroUsd: number;
}

export interface SmsUsageOverview {
  settings: SmsSpendSettings;
  /** This month first, then the five before it. */
  months: SmsUsageMonth[];
  state: BudgetState;
  pricePerSegmentMicroUsd: number;
}

export async function smsUsageOverview(db: Executor, ctx: StaffContext): Promise<SmsUsageOverview> {
  assertPermission(ctx, 'settings.manage');
  const price = smsPricePerSegmentMicroUsd();
  const [settings, usage] = await Promise.all([
    loadSmsSpendSettings(db, ctx.tenant.id),
    usageOfMonths(db, ctx.tenant.id, recentMonths(clockNow(), 6)),
  ]);
  const months = usage.map((m) => ({ ...m, costMicroUsd: estimateCostMicroUsd(m.segments, price) }));
  return { settings, months, state: budgetState(months[0]!.sent, settings.monthlyBudget), pricePerSegmentMicroUsd: price };
}

/**
 * Saves the form (audited with the fields that changed). A new budget re-arms the month's marks it
 * no longer reaches, so the admins hear again at the new 80 % and 100 %; one the month has already
 * reached is marked (and told) now. Then held messages that may now go are released.
 */
export async function updateSmsSpendSettings(db: Executor, ctx: StaffContext, input: SmsSpendSettingsInput): Promise<{ changed: boolean; released: number }> {
  assertPermission(ctx, 'settings.manage');
  const changed = await db.transaction(async (tx) => {
    const [before] = await tx.select(smsSpendColumns).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id)).for('update');
    if (!before) throw new NotFoundError('settings');
    const changes = changedFields(before, input);
    if (Object.keys(changes).length === 0) return false;
    await tx
      .update(tenantSettings)
      .set({
        smsMonthlyBudget: input.monthlyBudget,
        smsBudgetPolicy: input.budgetPolicy,
        smsPerPhoneHourly: input.perPhoneHourly,
        smsPerClinicHourly: input.perClinicHourly,
        updatedAt: clockNow(),
      })
      .where(eq(tenantSettings.tenantId, ctx.tenant.id));
    if ('monthlyBudget' in changes) await rearmMonth(tx, ctx.tenant.id, input);
    await recordAudit(tx, ctx, {
      action: SmsSpendAuditActions.settingsChanged,
      target: { type: 'tenant_settings', id: ctx.tenant.id },
      details: { changed: changes },
    });
    return true;
  });
  if (!changed) return { changed: false, released: 0 };
  return { changed: true, ...(await releaseHeldSms(db, ctx.tenant.id)) };
}

async function rearmMonth(tx: Executor, tenantId: string, settings: SmsSpendSettings): Promise<void> {
  const at = clockNow();
  const month = usageMonth(at);
  const where = and(eq(smsMonthlyUsage.tenantId, tenantId), eq(smsMonthlyUsage.month, month));
  const [usage] = await tx.select({ sent: smsMonthlyUsage.sent }).from(smsMonthlyUsage).where(where).for('update');
  if (!usage) return;
  const budget = settings.monthlyBudget;
  const cleared = {
    ...(budget === null || usage.sent < warningThreshold(budget) ? { warnedAt: null } : {}),
    ...(budget === null || usage.sent < budget ? { exhaustedAt: null } : {}),
  };
  if (Object.keys(cleared).length > 0) await tx.update(smsMonthlyUsage).set(cleared).where(where);
  await markBudgetCrossings(tx, tenantId, { month, sent: usage.sent, settings, at });
}
