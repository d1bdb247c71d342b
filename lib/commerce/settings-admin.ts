import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { commerceSettings } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { getBillingSettings } from '@/lib/billing/settings';
import { now } from '@/lib/clock';
import { RuleError } from '@/lib/kernel/errors';
import { CommerceAuditActions } from './audit-actions';
import { COMMERCE_SETTINGS_COLUMNS as columns, forgetCommerceSettings } from './settings';
import type { ShopSettingsInput } from './settings-forms';

/**
 * Saving the clinic's shop and subscription options (CRM → Shop, `commerce.catalog`). The reads
 * are in settings.ts (getCommerceSettings); the row is made here on first save.
 */

export class ShopSettingsRuleError extends RuleError {
  constructor(code: 'payments-off', message: string, fieldErrors: Record<string, string>) {
    super(code, message, fieldErrors);
    this.name = 'ShopSettingsRuleError';
  }
}

type Options = ShopSettingsInput;

function same(a: unknown, b: unknown): boolean {
  return Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

/**
 * Saves the form. Opening the shop needs the clinic to take payments (CRM → Billing): checkout
 * would take orders nobody could pay for. The clinic's billing row is read under the settings
 * row's lock; saving the other options with the shop already open is never blocked.
 */
export async function updateCommerceSettings(db: Executor, ctx: StaffContext, input: Options): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'commerce.catalog');
  const after: Options = {
    shopEnabled: input.shopEnabled,
    openToNewVisitors: input.openToNewVisitors,
    allowSkip: input.allowSkip,
    allowPause: input.allowPause,
    maxPauseDays: input.maxPauseDays,
    allowReschedule: input.allowReschedule,
    rescheduleWindowDays: input.rescheduleWindowDays,
    allowCancel: input.allowCancel,
    retryDays: [...input.retryDays],
    requirementsDueDays: input.requirementsDueDays,
    teams: [...input.teams],
  };
  return db.transaction(async (tx) => {
    await tx.insert(commerceSettings).values({ tenantId: ctx.tenant.id }).onConflictDoNothing();
    const [before] = await tx.select(columns).from(commerceSettings).where(eq(commerceSettings.tenantId, ctx.tenant.id)).for('update');
    const changedKeys = (Object.keys(after) as (keyof Options)[]).filter((k) => !same(before![k], after[k]));
    if (changedKeys.length === 0) return { changed: false };
    if (after.shopEnabled && !before!.shopEnabled && !(await getBillingSettings(tx, ctx.tenant.id)).paymentsEnabled) {
      throw new ShopSettingsRuleError('payments-off', 'The shop was not opened.', {
        shopEnabled: 'The clinic does not take payments yet, so patients could not pay for an order. Turn payments on in CRM → Billing first, then open the shop.',
      });
    }
    await tx.update(commerceSettings).set({ ...after, updatedAt: now() }).where(eq(commerceSettings.tenantId, ctx.tenant.id));
    // Team names are the clinic's words: the entry says that they changed, and how many there are.
    const changed = Object.fromEntries(changedKeys.map((k) => [k, k === 'teams'
      ? { before: before!.teams.length, after: after.teams.length }
      : { before: before![k], after: after[k] }]));
    await recordAudit(tx, ctx, {
      action: CommerceAuditActions.settingsUpdated,
      target: { type: 'commerce_settings', id: ctx.tenant.id },
      details: { changed },
    });
    return { changed: true };
  }).finally(() => forgetCommerceSettings(ctx.tenant.id));
}
