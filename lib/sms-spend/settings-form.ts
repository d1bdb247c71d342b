import type { SmsBudgetPolicy } from '@/db/schema/tenants';
import { z } from '@/lib/validation/zod';

/**
 * CRM → SMS usage: the spend guard's form (budget, what goes past it, the two hourly ceilings),
 * one schema for the browser (react-hook-form) and the server action. Accepts what the form posts
 * (strings; "1,000" as well as "1000") and is strict: it names exactly the columns the update
 * writes. The limits repeat tenant_settings' check constraint (migration 0023). Browser-safe.
 */

export const SMS_BUDGET_POLICIES = ['codes_only', 'codes_and_care'] as const satisfies readonly SmsBudgetPolicy[];

export const SMS_SPEND_LIMITS = {
  monthlyBudget: { min: 1, max: 10_000_000 },
  perPhoneHourly: { min: 1, max: 100 },
  perClinicHourly: { min: 1, max: 100_000 },
} as const;

export const SMS_POLICY_CHOICES: readonly { value: SmsBudgetPolicy; label: string; description: string }[] = [
  {
    value: 'codes_only',
    label: 'Sign-in codes only',
    description: 'Once the budget is used up, only sign-in and verification codes go out. Reminders, notices and marketing texts are held.',
  },
  {
    value: 'codes_and_care',
    label: 'Sign-in codes and care messages',
    description: 'Codes, reminders and notices keep going past the budget; marketing texts are held.',
  },
];

const FORM_ERRORS = {
  error: (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? 'This form sent a field it does not have. Reload the page and try again.' : undefined),
};

/** "1,000", " 25 " → a number; blank → `blank`; anything else as posted (zod then refuses it). */
function typedCount(blank: null | undefined) {
  return (value: unknown) => {
    if (typeof value !== 'string') return value;
    const cleaned = value.trim().replace(/[\s,]/g, '');
    if (cleaned === '') return blank;
    return /^-?\d+$/.test(cleaned) ? Number(cleaned) : value;
  };
}

function wholeNumber(message: string, limits: { min: number; max: number }) {
  return z.number({ error: message }).int(message).min(limits.min, message).max(limits.max, message);
}

const range = (limits: { min: number; max: number }) => `from ${limits.min.toLocaleString('en-US')} to ${limits.max.toLocaleString('en-US')}`;

/** A whole number in range; the message names the field and the range. */
function count(label: string, limits: { min: number; max: number }) {
  return z.preprocess(typedCount(undefined), wholeNumber(`Enter ${label} as a whole number ${range(limits)}.`, limits));
}

/** The same, or empty for none (null). */
function countOrNone(label: string, limits: { min: number; max: number }) {
  return z.preprocess(typedCount(null), wholeNumber(`Enter ${label} as a whole number ${range(limits)}, or leave it empty for no budget.`, limits).nullable());
}

export const smsSpendSettingsSchema = z.strictObject({
  monthlyBudget: countOrNone('the monthly budget (messages)', SMS_SPEND_LIMITS.monthlyBudget),
  budgetPolicy: z.enum(SMS_BUDGET_POLICIES, { error: 'Choose what still goes out once the budget is used up.' }),
  perPhoneHourly: count('the limit per phone number (messages an hour)', SMS_SPEND_LIMITS.perPhoneHourly),
  perClinicHourly: count('the limit for the clinic (messages an hour)', SMS_SPEND_LIMITS.perClinicHourly),
}, FORM_ERRORS);
export type SmsSpendSettingsInput = z.output<typeof smsSpendSettingsSchema>;

/** The form's fields, shown again as posted after a refusal. */
export const SMS_SPEND_SETTINGS_FIELDS = ['monthlyBudget', 'budgetPolicy', 'perPhoneHourly', 'perClinicHourly'] as const;
