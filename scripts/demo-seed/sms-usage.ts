import { eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { smsMonthlyUsage, tenants, tenantSettings } from '@/db/schema';
import { now } from '@/lib/clock';
import { recentMonths } from '@/lib/sms-spend/rules';

/**
 * The SMS spend guard's history for the demo clinics (CRM → SMS usage, the console): the five
 * months before this one, so the page shows a trend; this month counts what the demo really
 * sends. Sunrise has a monthly budget of 2,000 (codes and care go past it), Harbor none.
 * Idempotent: a month already there is left alone, and the budget is set with the first seeding.
 */
const HISTORY: Record<string, { sent: number; segments: number; held: number }[]> = {
  // Last month first.
  sunrise: [
    { sent: 1_412, segments: 1_530, held: 0 }, { sent: 1_655, segments: 1_790, held: 0 }, { sent: 2_000, segments: 2_166, held: 37 },
    { sent: 1_288, segments: 1_371, held: 0 }, { sent: 1_102, segments: 1_180, held: 0 },
  ],
  harbor: [
    { sent: 342, segments: 410, held: 0 }, { sent: 298, segments: 355, held: 0 }, { sent: 415, segments: 502, held: 0 },
    { sent: 260, segments: 301, held: 0 }, { sent: 188, segments: 214, held: 0 },
  ],
};

export async function seedSmsUsage(db: Database, slug: string): Promise<void> {
  const history = HISTORY[slug];
  if (!history) return;
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  if (!tenant) return;
  const months = recentMonths(now(), history.length + 1).slice(1);
  const inserted = await db
    .insert(smsMonthlyUsage)
    .values(history.map((m, i) => ({ tenantId: tenant.id, month: months[i]!, ...m })))
    .onConflictDoNothing()
    .returning({ month: smsMonthlyUsage.month });
  // The budget with the history's first seeding only: an admin who removes it keeps it removed.
  if (slug === 'sunrise' && inserted.length === history.length) {
    await db.update(tenantSettings).set({ smsMonthlyBudget: 2_000, smsBudgetPolicy: 'codes_and_care' }).where(eq(tenantSettings.tenantId, tenant.id));
  }
}
