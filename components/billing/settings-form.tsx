'use client';

import { useId } from 'react';
import { CheckboxField, ChoiceCards, FieldError, SelectField } from '@/components/crm/settings-fields';
import { TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import {
  basisPointsToPercent,
  BILLING_CURRENCIES,
  BILLING_LIMITS,
  billingSettingsSchema,
  CURRENCY_LABELS,
  type BillingCurrency,
} from '@/lib/billing/settings-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

export interface BillingSettingsFormValues {
  paymentsEnabled: boolean;
  portalBillingVisible: boolean;
  currency: string;
  invoiceFooter: string;
  taxId: string;
  defaultTaxRateBp: number;
  paymentDueDays: number;
  gateway: 'test' | 'stripe';
}

const GATEWAYS = [
  { value: 'test', label: 'Test gateway', description: 'Simulated cards, no real money: the built-in simulator with documented test card numbers. For trying Carebridge out.' },
  { value: 'stripe', label: 'Stripe', description: 'Real card payments into the clinic’s own Stripe account. Connect the account above before turning payments on.' },
];

const currencyOptions = (current: string) => {
  const known = (BILLING_CURRENCIES as readonly string[]).includes(current);
  return [
    ...(known ? [] : [{ value: current, label: current }]),
    ...BILLING_CURRENCIES.map((c) => ({ value: c, label: CURRENCY_LABELS[c as BillingCurrency] })),
  ];
};

/** CRM → Billing: the clinic's billing options, one form. */
export function BillingSettingsForm({ action, initial, currencyLocked }: { action: FormAction<ActionState>; initial: BillingSettingsFormValues; currencyLocked: boolean }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(billingSettingsSchema, action);
  const footerId = useId();
  // After a refusal the form shows what was posted; otherwise the saved options.
  const posted = state.ok === false ? state.values : undefined;
  const saved: Record<string, string> = {
    currency: initial.currency,
    invoiceFooter: initial.invoiceFooter,
    taxId: initial.taxId,
    defaultTaxRate: basisPointsToPercent(initial.defaultTaxRateBp),
    paymentDueDays: String(initial.paymentDueDays),
    gateway: initial.gateway,
  };
  const text = (name: keyof typeof saved) => posted?.[name] ?? saved[name]!;
  const checked = (name: 'paymentsEnabled' | 'portalBillingVisible') => (posted ? posted[name] === 'on' : initial[name]);
  const footerError = errorFor('invoiceFooter');

  return (
    <form {...formProps} className="space-y-6">
      <section aria-labelledby="billing-payments-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="billing-payments-heading" className="text-lg font-semibold">Payments and the portal</h2>
        <CheckboxField
          label="Take payments"
          name="paymentsEnabled"
          defaultChecked={checked('paymentsEnabled')}
          description="Staff can invoice and record payments either way. When on, patients can pay their invoices online in the portal."
          error={errorFor('paymentsEnabled')}
        />
        <CheckboxField
          label="Show the balance and invoices in the patient portal"
          name="portalBillingVisible"
          defaultChecked={checked('portalBillingVisible')}
          description="When off, the portal has no Billing section and patients are not emailed about new invoices, even with payments on."
          error={errorFor('portalBillingVisible')}
        />
        <ChoiceCards
          {...form.register('gateway')}
          legend="Payment provider"
          defaultValue={text('gateway')}
          options={GATEWAYS}
          error={errorFor('gateway')}
        />
      </section>

      <section aria-labelledby="billing-invoices-heading" className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id="billing-invoices-heading" className="text-lg font-semibold">Invoices</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          {currencyLocked ? (
            <div>
              <input type="hidden" {...form.register('currency')} defaultValue={initial.currency} />
              <p className="text-sm font-medium">Currency</p>
              <p className="mt-1">{CURRENCY_LABELS[initial.currency as BillingCurrency] ?? initial.currency}</p>
              <p className="mt-0.5 text-sm text-fg-muted">Fixed: the clinic has sent invoices in this currency.</p>
              <FieldError id={`${footerId}-currency-error`} error={errorFor('currency')} />
            </div>
          ) : (
            <SelectField
              {...form.register('currency')}
              label="Currency"
              hint="Every amount is in this currency. It can change only until the first invoice is sent."
              defaultValue={text('currency')}
              options={currencyOptions(initial.currency)}
              error={errorFor('currency')}
            />
          )}
          <TextField
            {...form.register('paymentDueDays')}
            label="Payment terms (days)"
            inputMode="numeric"
            hint={`An invoice is due this many days after it is sent, unless staff choose a date. ${BILLING_LIMITS.paymentDueDays.min}–${BILLING_LIMITS.paymentDueDays.max}; 0 is due on receipt.`}
            defaultValue={text('paymentDueDays')}
            error={errorFor('paymentDueDays')}
          />
          <TextField
            {...form.register('defaultTaxRate')}
            label="Default tax rate (%)"
            inputMode="decimal"
            hint="The rate a new invoice line starts with, such as 8.25; staff can change it per line. 0 for none."
            defaultValue={text('defaultTaxRate')}
            error={errorFor('defaultTaxRate')}
          />
          <TextField
            {...form.register('taxId')}
            label="Tax ID (optional)"
            hint="Printed on invoices and receipts, such as an EIN or VAT number."
            defaultValue={text('taxId')}
            maxLength={BILLING_LIMITS.taxId}
            error={errorFor('taxId')}
          />
        </div>
        <div>
          <label htmlFor={footerId} className="block text-sm font-medium">Invoice footer (optional)</label>
          <p id={`${footerId}-hint`} className="mt-0.5 text-sm text-fg-muted">
            Printed at the foot of every invoice, such as payment instructions or a thank-you. Up to {BILLING_LIMITS.invoiceFooter} characters; no patient information.
          </p>
          <textarea
            id={footerId}
            {...form.register('invoiceFooter')}
            defaultValue={text('invoiceFooter')}
            rows={3}
            maxLength={BILLING_LIMITS.invoiceFooter}
            aria-invalid={footerError ? true : undefined}
            aria-describedby={footerError ? `${footerId}-hint ${footerId}-error` : `${footerId}-hint`}
            className="mt-1 control"
          />
          <FieldError id={`${footerId}-error`} error={footerError} />
        </div>
      </section>

      <SubmitBelowAnswer state={state} pending={pending} label="Save billing options" pendingLabel="Saving…" />
    </form>
  );
}
