'use client';

import { useEffect, useId } from 'react';
import { FormMessage, PrimaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { formatMoney } from '@/lib/billing/money';
import { cardBrandLabel, chargeCardSchema, DESK_METHOD_LABELS, DESK_METHODS, deskPaymentSchema, moneyInputValue, refundSchema } from '@/lib/billing/staff-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

// The desk's money forms. Each carries the attempt key the page wrote when it was shown: a
// second click or a resent form is the same attempt, and the server makes the payment once.

export interface PayableInvoice {
  id: string;
  label: string;
  due: number;
  dueDate: string | null;
}

const errorText = 'mt-1 text-sm font-medium text-red-700 dark:text-red-300';

/**
 * "Record a payment": cash, card terminal or check, the location, the amount and which open
 * invoices it pays (all ticked by default, paid oldest first). Ticking changes the amount to
 * what the ticked invoices come to.
 */
export function DeskPaymentForm({
  action, patientId, currency, attemptKey, invoices, locations, defaultLocationId,
}: {
  action: FormAction<ActionState>;
  patientId: string;
  currency: string;
  attemptKey: string;
  invoices: readonly PayableInvoice[];
  locations: readonly { id: string; name: string }[];
  defaultLocationId: string | null;
}) {
  const id = useId();
  const allIds = invoices.map((i) => i.id);
  const total = invoices.reduce((s, i) => s + i.due, 0);
  const defaults = {
    attemptKey, patientId, currency, invoiceIds: allIds, amount: moneyInputValue(total, currency), method: 'cash' as const, locationId: defaultLocationId ?? '', reference: '',
  };
  const { form, state, pending, formProps, errorFor } = useActionForm(deskPaymentSchema, action, { defaultValues: defaults, resetAfterSubmit: false });
  // A new attempt key means the page was refreshed after a payment: start again from what is owed now.
  useEffect(() => form.reset(defaults), [attemptKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const ticked = (form.watch('invoiceIds') as unknown as string[] | string | false | undefined) ?? allIds;
  const chosen = Array.isArray(ticked) ? ticked : ticked ? [ticked] : [];
  const chosenTotal = invoices.filter((i) => chosen.includes(i.id)).reduce((s, i) => s + i.due, 0);
  const invoicesError = errorFor('invoiceIds');
  const invoicesField = form.register('invoiceIds', {
    onChange: () => {
      const now = form.getValues('invoiceIds') as unknown as string[] | string | false;
      const ids = Array.isArray(now) ? now : now ? [now] : [];
      const sum = invoices.filter((i) => ids.includes(i.id)).reduce((s, i) => s + i.due, 0);
      form.setValue('amount', moneyInputValue(sum, currency));
    },
  });
  // Nothing left to pay (often right after this form paid it): the answer stays on screen.
  if (invoices.length === 0) {
    return (
      <div className="space-y-3">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <p className="text-sm text-fg-muted">Nothing is waiting for payment.</p>
      </div>
    );
  }
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      <input type="hidden" name="attemptKey" value={attemptKey} />
      <input type="hidden" name="patientId" value={patientId} />
      <input type="hidden" name="currency" value={currency} />
      <fieldset className="sm:col-span-2" aria-describedby={invoicesError ? `${id}-invoices-error` : undefined}>
        <legend className="text-sm font-medium">Invoices this payment is for</legend>
        <p className="text-sm text-fg-muted">Paid oldest first; a smaller amount leaves the rest owed on the newest.</p>
        <ul className="mt-2 space-y-1">
          {invoices.map((invoice) => (
            <li key={invoice.id} className="flex items-center gap-2">
              <input type="checkbox" id={`${id}-${invoice.id}`} value={invoice.id} defaultChecked {...invoicesField} className="h-5 w-5" />
              <label htmlFor={`${id}-${invoice.id}`} className="text-sm">
                {invoice.label}: {formatMoney(invoice.due, currency)} due{invoice.dueDate ? ` by ${invoice.dueDate}` : ''}
              </label>
            </li>
          ))}
        </ul>
        {invoicesError ? <p id={`${id}-invoices-error`} className={errorText}>{invoicesError}</p> : null}
      </fieldset>
      <SelectField label="How the patient paid" {...form.register('method')} defaultValue="cash" error={errorFor('method')}>
        {DESK_METHODS.map((m) => <option key={m} value={m}>{DESK_METHOD_LABELS[m]}</option>)}
      </SelectField>
      <TextField
        label="Reference"
        hint="The check number (required for a check) or the terminal slip's number."
        {...form.register('reference')}
        maxLength={64}
        autoComplete="off"
        error={errorFor('reference')}
      />
      <SelectField label="Location" {...form.register('locationId')} defaultValue={defaultLocationId ?? ''} error={errorFor('locationId')}>
        <option value="">No location</option>
        {locations.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
      </SelectField>
      <TextField
        label={`Amount in ${currency}`}
        hint={`The ticked invoices come to ${formatMoney(chosenTotal, currency)}.`}
        {...form.register('amount')}
        defaultValue={moneyInputValue(total, currency)}
        inputMode="decimal"
        autoComplete="off"
        error={errorFor('amount')}
      />
      <SubmitBelowAnswer state={state} pending={pending} label="Record payment" pendingLabel="Recording…" className="sm:col-span-2" />
    </form>
  );
}

/**
 * "Refund" under a payment: the amount (what can still be refunded, by default), why, and
 * whether what the patient owes goes down by it too (ticked: the usual case).
 */
export function RefundForm({
  action, paymentId, currency, attemptKey, refundable, paymentLabel,
}: {
  action: FormAction<ActionState>;
  paymentId: string;
  currency: string;
  attemptKey: string;
  refundable: number;
  /** "R-000012 of $50.00", for the fields' labels. */
  paymentLabel: string;
}) {
  const id = useId();
  const defaults = { attemptKey, paymentId, currency, amount: moneyInputValue(refundable, currency), reason: '', creditInvoice: 'yes' };
  const { form, state, pending, formProps, errorFor } = useActionForm(refundSchema, action, { defaultValues: defaults, resetAfterSubmit: false });
  // A new attempt key means the page was refreshed after a refund: the amount left has changed.
  useEffect(() => form.reset(defaults), [attemptKey]); // eslint-disable-line react-hooks/exhaustive-deps
  if (refundable === 0) {
    return (
      <div className="space-y-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <p className="text-sm text-fg-muted">Nothing is left to refund on this payment.</p>
      </div>
    );
  }
  return (
    <form {...formProps} className="space-y-3" aria-label={`Refund ${paymentLabel}`}>
      <input type="hidden" name="attemptKey" value={attemptKey} />
      <input type="hidden" name="paymentId" value={paymentId} />
      <input type="hidden" name="currency" value={currency} />
      <TextField
        label={`Amount to refund in ${currency}`}
        hint={`At most ${formatMoney(refundable, currency)}.`}
        {...form.register('amount')}
        defaultValue={moneyInputValue(refundable, currency)}
        inputMode="decimal"
        autoComplete="off"
        error={errorFor('amount')}
      />
      <TextField label="Reason" {...form.register('reason')} maxLength={500} autoComplete="off" error={errorFor('reason')} />
      <div className="flex items-start gap-2">
        <input type="checkbox" id={`${id}-credit`} value="yes" defaultChecked {...form.register('creditInvoice')} aria-describedby={`${id}-credit-hint`} className="mt-1 h-5 w-5" />
        <div>
          <label htmlFor={`${id}-credit`} className="text-sm font-medium">Also reduce what the patient owes</label>
          <p id={`${id}-credit-hint`} className="text-sm text-fg-muted">Untick when the patient still owes the amount (money given back by mistake, to be paid again).</p>
        </div>
      </div>
      <SubmitBelowAnswer state={state} pending={pending} label="Refund" pendingLabel="Refunding…" />
    </form>
  );
}

/**
 * "Charge card on file": enabled only when the server said the card may be charged now; else
 * the button is disabled and the reason is shown beside it (the server checks again anyway).
 */
export function ChargeCardForm({
  action, invoiceId, attemptKey, amount, currency, card, refusal, settled = false,
}: {
  action: FormAction<ActionState>;
  invoiceId: string;
  attemptKey: string;
  amount: number;
  currency: string;
  card: { brand: string; last4: string } | null;
  refusal: string | null;
  /** The invoice is paid (often by this form a moment ago): only the answer is shown. */
  settled?: boolean;
}) {
  const id = useId();
  const { state, pending, formProps } = useActionForm(chargeCardSchema, action, { defaultValues: { attemptKey, invoiceId, amount: String(amount) } });
  const disabled = refusal !== null || pending;
  if (settled) {
    return (
      <div className="space-y-2">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <p className="text-sm text-fg-muted">Nothing is due on this invoice.</p>
      </div>
    );
  }
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name="attemptKey" value={attemptKey} />
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <input type="hidden" name="amount" value={String(amount)} />
      {card ? (
        <p className="text-sm">
          Charges {formatMoney(amount, currency)} to the patient’s default card, {cardBrandLabel(card.brand)} •••• {card.last4}.
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <PrimaryButton type="submit" disabled={disabled} aria-describedby={refusal ? `${id}-why` : undefined}>
          {pending ? 'Charging…' : 'Charge card on file'}
        </PrimaryButton>
        {refusal ? <p id={`${id}-why`} className="text-sm font-medium text-fg">{refusal}</p> : null}
      </div>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
