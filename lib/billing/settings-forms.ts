import type { PaymentGatewayKind } from '@/db/schema/billing';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * The CRM billing options form (CRM → Billing), shared by the browser (react-hook-form) and the
 * server action. Accepts what a form posts (strings, checkbox "on") and is strict: it names
 * exactly the columns the update writes. Browser-safe.
 */

/** The currencies a clinic can bill in: all have two decimals, which the money fields assume. */
export const BILLING_CURRENCIES = ['USD', 'CAD', 'GBP', 'EUR', 'AUD', 'NZD'] as const;
export type BillingCurrency = (typeof BILLING_CURRENCIES)[number];
export const CURRENCY_LABELS: Record<BillingCurrency, string> = {
  USD: 'US dollar (USD)',
  CAD: 'Canadian dollar (CAD)',
  GBP: 'Pound sterling (GBP)',
  EUR: 'Euro (EUR)',
  AUD: 'Australian dollar (AUD)',
  NZD: 'New Zealand dollar (NZD)',
};

const gateways = ['test', 'stripe'] as const satisfies readonly PaymentGatewayKind[];

export const BILLING_LIMITS = {
  invoiceFooter: 500,
  taxId: 50,
  paymentDueDays: { min: 0, max: 365 },
} as const;

/**
 * "8.25", "8.25 %", "0" → basis points (825), by string arithmetic; blank is 0. Undefined when it
 * is not a percentage from 0 to 100 with at most two decimals.
 */
export function parsePercentToBasisPoints(value: string): number | undefined {
  const cleaned = value.trim().replace(/\s*%$/, '');
  if (cleaned === '') return 0;
  const match = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : undefined;
}

/** Basis points as the form shows them: 825 → "8.25", 850 → "8.5", 800 → "8". */
export function basisPointsToPercent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/**
 * For a strict form schema: a posted field the form does not have is refused in words (zod's own
 * "Unrecognized key" is developer wording), and nothing of it is written.
 */
export const STRICT_FORM = {
  error: (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? 'This form sent a field it does not have. Reload the page and try again.' : undefined),
};

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

function optionalText(label: string, max: number) {
  return z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    withoutControlChars(z.string({ error: `Enter the ${label} as text.` })).trim().max(max, `Keep the ${label} to ${max} characters or fewer.`).nullable(),
  );
}

/** A percentage field ("8.25") as basis points; the message names the field. */
export function percentField(label: string) {
  const message = `Enter ${label} as a percentage from 0 to 100 with at most two decimals, such as 8.25.`;
  return z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : (v ?? '')),
    z.string({ error: message }).transform((v, issue) => {
      const bp = parsePercentToBasisPoints(v);
      if (bp === undefined) {
        issue.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return bp;
    }),
  );
}

const dueDaysMessage = `Enter the payment terms as a whole number of days from ${BILLING_LIMITS.paymentDueDays.min} to ${BILLING_LIMITS.paymentDueDays.max}.`;

export const billingSettingsSchema = z.strictObject({
  paymentsEnabled: checkbox,
  portalBillingVisible: checkbox,
  currency: z.enum(BILLING_CURRENCIES, { error: 'Choose a currency from the list.' }),
  invoiceFooter: optionalText('invoice footer', BILLING_LIMITS.invoiceFooter),
  taxId: optionalText('tax ID', BILLING_LIMITS.taxId),
  defaultTaxRate: percentField('the default tax rate'),
  paymentDueDays: z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    },
    z.number({ error: dueDaysMessage }).int(dueDaysMessage).min(BILLING_LIMITS.paymentDueDays.min, dueDaysMessage).max(BILLING_LIMITS.paymentDueDays.max, dueDaysMessage),
  ),
  gateway: z.enum(gateways, { error: 'Choose the test gateway or Stripe.' }),
}, STRICT_FORM);
export type BillingSettingsInput = z.output<typeof billingSettingsSchema>;

/** The form's fields, shown again as posted after a refusal. */
export const BILLING_SETTINGS_FIELDS = ['paymentsEnabled', 'portalBillingVisible', 'currency', 'invoiceFooter', 'taxId', 'defaultTaxRate', 'paymentDueDays', 'gateway'] as const;
