import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantSettings, type SmsBudgetPolicy } from '@/db/schema';

/** A clinic's spend guard settings (tenant_settings, migration 0023). */
export interface SmsSpendSettings {
  /** Messages a month; null: no budget. */
  monthlyBudget: number | null;
  budgetPolicy: SmsBudgetPolicy;
  perPhoneHourly: number;
  perClinicHourly: number;
}

/** The columns' defaults, for a clinic without a settings row (none is made without one). */
const DEFAULTS: SmsSpendSettings = { monthlyBudget: null, budgetPolicy: 'codes_only', perPhoneHourly: 10, perClinicHourly: 1000 };

export const smsSpendColumns = {
  monthlyBudget: tenantSettings.smsMonthlyBudget,
  budgetPolicy: tenantSettings.smsBudgetPolicy,
  perPhoneHourly: tenantSettings.smsPerPhoneHourly,
  perClinicHourly: tenantSettings.smsPerClinicHourly,
};

export async function loadSmsSpendSettings(db: Executor, tenantId: string): Promise<SmsSpendSettings> {
  const [row] = await db.select(smsSpendColumns).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId));
  return row ?? DEFAULTS;
}
