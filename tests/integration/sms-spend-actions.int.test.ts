import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, smsMonthlyUsage, tenantSettings } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { seedSmsUsage } from '@/scripts/demo-seed/sms-usage';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';
import { fingerprintTenants, formData, hostFor, invokeAction, isRefusal, signIn, type Outcome } from '../support/action-harness';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * CRM → SMS usage as the page and its form post it: admins (settings.manage) see this month's
 * count, segments, held messages and cost estimate against the budget, and six months; the form
 * saves the budget, the policy and the two ceilings (audited), refuses bad numbers beside their
 * fields and changes nothing; staff without settings.manage are refused.
 */

const actions = await import('@/app/t/[tenant]/crm/(app)/sms/actions');
const { default: smsPage } = await import('@/app/t/[tenant]/crm/(app)/sms/page');

const db = () => getDb();
const T0 = new Date('2026-03-10T09:00:00Z');
beforeEach(() => setClockForTests(() => T0));
afterEach(() => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
});

async function clinic() {
  const tenant = await createTestTenant();
  const staff = async (level: 'admin' | 'marketing' | 'operations') => {
    const ctx = await createStaffContext(tenant, level);
    const { cookies } = await signIn('staff', { tenantId: tenant.id, subjectId: ctx.actor.id });
    return { ctx, req: { host: hostFor(tenant.slug), cookies, path: '/crm/sms' } };
  };
  return { tenant, admin: await staff('admin'), marketing: await staff('marketing'), desk: await staff('operations') };
}

const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};

async function text(req: { host: string; cookies: Record<string, string> }) {
  const html = returned(await invokeAction(req, async () => renderToStaticMarkup(await smsPage()))) as unknown as string;
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

const form = (changes: Record<string, string> = {}) => formData({ monthlyBudget: '1,000', budgetPolicy: 'codes_and_care', perPhoneHourly: '5', perClinicHourly: '500', ...changes });

async function settingsOf(tenantId: string) {
  const [row] = await db()
    .select({ budget: tenantSettings.smsMonthlyBudget, policy: tenantSettings.smsBudgetPolicy, perPhone: tenantSettings.smsPerPhoneHourly, perClinic: tenantSettings.smsPerClinicHourly })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  return row!;
}

describe('CRM → SMS usage', () => {
  it('shows this month against the budget with the cost estimate, and six months', async () => {
    vi.stubEnv('SMS_PRICE_PER_SEGMENT_MICRO_USD', '10000');
    const w = await clinic();
    await db().update(tenantSettings).set({ smsMonthlyBudget: 1000 }).where(eq(tenantSettings.tenantId, w.tenant.id));
    await db().insert(smsMonthlyUsage).values([
      { tenantId: w.tenant.id, month: '2026-03-01', sent: 850, segments: 1200, held: 0, warnedAt: T0 },
      { tenantId: w.tenant.id, month: '2025-10-01', sent: 40, segments: 41, held: 3 },
      // Seven months back: not shown.
      { tenantId: w.tenant.id, month: '2025-08-01', sent: 7, segments: 7, held: 0 },
    ]);
    const page = await text(w.admin.req);
    for (const words of [
      'This month (March 2026)', 'Sent 850', 'Segments 1,200', 'Held by the budget 0', 'Estimated cost $12.00',
      '850 of 1,000 messages (85 %)', 'The line marks 80 % (800 messages)', 'Past 80 % of the budget: the clinic’s admins have been told by email.',
      'Cost is an estimate at $0.01 a segment', 'October 2025 40 41 3 $0.41', 'February 2026 0 0 0 $0.00',
    ]) expect(page).toContain(words);
    expect(page).not.toContain('August 2025');
    expect(page).toContain('Save SMS budget and limits');
  });

  it('saves the form as posted (“1,000”), audited with what changed; the same form again saves nothing', async () => {
    const w = await clinic();
    const answer = returned(await invokeAction(w.admin.req, actions.saveSmsSpendSettingsAction, { ok: true }, form()));
    expect(answer).toEqual({ ok: true, message: 'SMS budget and limits saved.' });
    expect(await settingsOf(w.tenant.id)).toEqual({ budget: 1000, policy: 'codes_and_care', perPhone: 5, perClinic: 500 });
    const entries = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'settings.sms_spend_changed')));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorKind: 'staff', actorId: w.admin.ctx.actor.id });
    expect(entries[0]!.details).toEqual({
      changed: {
        monthlyBudget: { before: null, after: 1000 }, budgetPolicy: { before: 'codes_only', after: 'codes_and_care' },
        perPhoneHourly: { before: 10, after: 5 }, perClinicHourly: { before: 1000, after: 500 },
      },
    });
    expect(returned(await invokeAction(w.admin.req, actions.saveSmsSpendSettingsAction, { ok: true }, form()))).toEqual({
      ok: true, message: 'Nothing to save: the SMS budget and limits are already as shown.',
    });
    // An empty budget is no budget.
    returned(await invokeAction(w.admin.req, actions.saveSmsSpendSettingsAction, { ok: true }, form({ monthlyBudget: '' })));
    expect((await settingsOf(w.tenant.id)).budget).toBeNull();
  });

  it('refuses numbers out of range or not numbers beside their fields, and an unknown field, changing nothing', async () => {
    const w = await clinic();
    const before = await fingerprintTenants([w.tenant.id]);
    const bad = returned(await invokeAction(w.admin.req, actions.saveSmsSpendSettingsAction, { ok: true }, form({ monthlyBudget: 'lots', perPhoneHourly: '0', perClinicHourly: '100001', budgetPolicy: 'never' })));
    expect(bad).toMatchObject({ ok: false, values: { monthlyBudget: 'lots', perPhoneHourly: '0' } });
    expect(bad.fieldErrors).toEqual({
      monthlyBudget: 'Enter the monthly budget (messages) as a whole number from 1 to 10,000,000, or leave it empty for no budget.',
      perPhoneHourly: 'Enter the limit per phone number (messages an hour) as a whole number from 1 to 100.',
      perClinicHourly: 'Enter the limit for the clinic (messages an hour) as a whole number from 1 to 100,000.',
      budgetPolicy: 'Choose what still goes out once the budget is used up.',
    });
    const extra = returned(await invokeAction(w.admin.req, actions.saveSmsSpendSettingsAction, { ok: true }, formData({ monthlyBudget: '5', budgetPolicy: 'codes_only', perPhoneHourly: '5', perClinicHourly: '5', smsMonthlyUsage: '0' })));
    expect(extra.ok).toBe(false);
    expect(JSON.stringify(extra)).toContain('This form sent a field it does not have.');
    expect(await fingerprintTenants([w.tenant.id])).toBe(before);
  });

  it('is refused without settings.manage (marketing, the front desk), page and action, changing nothing', async () => {
    const w = await clinic();
    const before = await fingerprintTenants([w.tenant.id]);
    for (const who of [w.marketing, w.desk]) {
      const answer = await invokeAction(who.req, actions.saveSmsSpendSettingsAction, { ok: true }, form());
      expect(isRefusal(answer), JSON.stringify(answer)).toBe(true);
      expect(isRefusal(await invokeAction(who.req, async () => renderToStaticMarkup(await smsPage())))).toBe(true);
    }
    expect(await fingerprintTenants([w.tenant.id])).toBe(before);
  });
});

describe('the demo', () => {
  it('gives Sunrise five months of history and a budget once; seeding again changes nothing, and a removed budget stays removed', async () => {
    const sunrise = await createTestTenant({ slug: 'sunrise' });
    await seedSmsUsage(db(), 'sunrise');
    const months = await db().select({ month: smsMonthlyUsage.month, sent: smsMonthlyUsage.sent }).from(smsMonthlyUsage).where(eq(smsMonthlyUsage.tenantId, sunrise.id));
    expect(months.map((m) => m.month).sort()).toEqual(['2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01']);
    expect(await settingsOf(sunrise.id)).toMatchObject({ budget: 2000, policy: 'codes_and_care' });
    await db().update(tenantSettings).set({ smsMonthlyBudget: null }).where(eq(tenantSettings.tenantId, sunrise.id));
    const before = await fingerprintTenants([sunrise.id]);
    await seedSmsUsage(db(), 'sunrise');
    expect(await fingerprintTenants([sunrise.id])).toBe(before);
  });
});
