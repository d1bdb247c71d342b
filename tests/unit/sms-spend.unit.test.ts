import { describe, expect, it } from 'vitest';
import { environmentProblems } from '@/lib/config/environment';
import { DEFAULT_SMS_PRICE_PER_SEGMENT_MICRO_USD, smsPricePerSegmentMicroUsd } from '@/lib/sms-spend/price';
import {
  budgetState, estimateCostMicroUsd, formatUsd, formatUsdPrice, goesPastBudget, maskPhone, monthLabel, nextMonthStart,
  percentUsed, queuedShareOfCeiling, recentMonths, usageMonth, warningThreshold,
} from '@/lib/sms-spend/rules';
import { smsSpendSettingsSchema } from '@/lib/sms-spend/settings-form';

/** The SMS spend guard's pure rules (issue 19 point 3) and its CRM form's schema. */

describe('months', () => {
  it('are calendar months in UTC, named by their first day', () => {
    expect(usageMonth(new Date('2026-03-31T23:59:59Z'))).toBe('2026-03-01');
    expect(usageMonth(new Date('2026-04-01T00:00:00Z'))).toBe('2026-04-01');
    // 8 p.m. on 31 March in New York is already April in UTC.
    expect(usageMonth(new Date('2026-03-31T20:00:00-04:00'))).toBe('2026-04-01');
    expect(nextMonthStart('2026-12-01')).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(recentMonths(new Date('2026-02-15T00:00:00Z'), 6)).toEqual(['2026-02-01', '2026-01-01', '2025-12-01', '2025-11-01', '2025-10-01', '2025-09-01']);
    expect(monthLabel('2026-03-01')).toBe('March 2026');
  });
});

describe('the budget', () => {
  it('warns at 80 % (rounded up, at least one message) and is spent at 100 %', () => {
    expect(warningThreshold(1000)).toBe(800);
    expect(warningThreshold(3)).toBe(3);
    expect(warningThreshold(1)).toBe(1);
    expect(warningThreshold(11)).toBe(9);
    expect(budgetState(5, null)).toBe('none');
    expect(budgetState(799, 1000)).toBe('under');
    expect(budgetState(800, 1000)).toBe('warned');
    expect(budgetState(1000, 1000)).toBe('exhausted');
    expect(budgetState(1200, 1000)).toBe('exhausted');
    expect(percentUsed(1200, 1000)).toBe(120);
    expect(percentUsed(799, 1000)).toBe(79);
  });

  it('lets care past a spent budget only under "codes and care"; marketing never', () => {
    expect(goesPastBudget('codes_only', 'care')).toBe(false);
    expect(goesPastBudget('codes_only', 'marketing')).toBe(false);
    expect(goesPastBudget('codes_and_care', 'care')).toBe(true);
    expect(goesPastBudget('codes_and_care', 'marketing')).toBe(false);
  });
});

describe('ceilings', () => {
  it('leave the last tenth of an hour to codes (nothing below 10)', () => {
    expect(queuedShareOfCeiling(1000)).toBe(900);
    expect(queuedShareOfCeiling(10)).toBe(9);
    expect(queuedShareOfCeiling(9)).toBe(9);
    expect(queuedShareOfCeiling(1)).toBe(1);
  });

  it('mask the number in audit entries: the country’s first digit and the last two', () => {
    expect(maskPhone('+15555550101')).toBe('+1••••••••01');
    expect(maskPhone('+36201234567')).toBe('+3••••••••67');
    expect(maskPhone('+36201234567')).not.toMatch(/2012345/);
    expect(maskPhone('12')).toBe('•••');
  });
});

describe('cost estimates', () => {
  it('multiply segments by the price in micro-dollars, shown to the cent (the price itself in full)', () => {
    expect(estimateCostMicroUsd(1500, 8580)).toBe(12_870_000);
    expect(formatUsd(12_870_000)).toBe('$12.87');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1_234_567_890_000)).toBe('$1,234,567.89');
    expect(formatUsdPrice(8580)).toBe('$0.00858');
    expect(formatUsdPrice(10_000)).toBe('$0.01');
    expect(formatUsdPrice(1_000_000)).toBe('$1.00');
  });

  it('take the price from SMS_PRICE_PER_SEGMENT_MICRO_USD, by default AWS SNS’s US price; a malformed value is refused at start-up', () => {
    expect(DEFAULT_SMS_PRICE_PER_SEGMENT_MICRO_USD).toBe(8580);
    expect(smsPricePerSegmentMicroUsd({})).toBe(8580);
    expect(smsPricePerSegmentMicroUsd({ SMS_PRICE_PER_SEGMENT_MICRO_USD: ' 25000 ' })).toBe(25_000);
    expect(smsPricePerSegmentMicroUsd({ SMS_PRICE_PER_SEGMENT_MICRO_USD: '0.0086' })).toBe(8580);
    expect(environmentProblems({ SMS_PRICE_PER_SEGMENT_MICRO_USD: '0.0086' }, ['messaging'])).toEqual([
      'SMS_PRICE_PER_SEGMENT_MICRO_USD must be a whole number of micro-dollars, such as 8580 for $0.00858.',
    ]);
    expect(environmentProblems({ SMS_PRICE_PER_SEGMENT_MICRO_USD: '8580' }, ['messaging'])).toEqual([]);
  });
});

describe('the CRM form', () => {
  const form = (changes: Record<string, unknown> = {}) => ({ monthlyBudget: '2,500', budgetPolicy: 'codes_only', perPhoneHourly: ' 10 ', perClinicHourly: '1000', ...changes });

  it('reads numbers as people type them; an empty budget is none', () => {
    expect(smsSpendSettingsSchema.parse(form())).toEqual({ monthlyBudget: 2500, budgetPolicy: 'codes_only', perPhoneHourly: 10, perClinicHourly: 1000 });
    expect(smsSpendSettingsSchema.parse(form({ monthlyBudget: '  ' })).monthlyBudget).toBeNull();
    expect(smsSpendSettingsSchema.parse(form({ monthlyBudget: 40, perPhoneHourly: 3 }))).toMatchObject({ monthlyBudget: 40, perPhoneHourly: 3 });
  });

  it('refuses what the database would (limits of migration 0023), fractions, words and extra fields', () => {
    for (const bad of [
      { monthlyBudget: '0' }, { monthlyBudget: '1.5' }, { monthlyBudget: '10000001' }, { monthlyBudget: 'many' },
      { perPhoneHourly: '' }, { perPhoneHourly: '101' }, { perClinicHourly: '0' }, { perClinicHourly: '100001' },
      { budgetPolicy: 'marketing_too' }, { extra: '1' },
    ]) {
      expect(smsSpendSettingsSchema.safeParse(form(bad)).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
