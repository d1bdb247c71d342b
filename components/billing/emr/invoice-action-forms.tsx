'use client';

import { useId } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { adjustmentSchema, closeInvoiceSchema, INVOICE_LIMITS, invoiceIdSchema, noShowFeeSchema, visitInvoiceSchema } from '@/lib/billing/invoice-forms';
import { deleteDraftSchema } from '@/lib/billing/staff-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

// The invoice's own buttons and small forms (send, delete, void, write off, adjust) and the
// chart's visit buttons. Hidden ids are passed as the form's default values too, so the browser's
// check with the shared schema sees the whole form the server will parse.

const dangerButton = 'border-red-600 text-red-800 dark:text-red-300';

/** "Send invoice": numbers and dates the draft, posts it to the ledger, tells the patient. */
export function SendInvoiceForm({ action, invoiceId }: { action: FormAction<ActionState>; invoiceId: string }) {
  const { state, pending, formProps } = useActionForm(invoiceIdSchema, action, { defaultValues: { invoiceId } });
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Sending…' : 'Send invoice'}</PrimaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

/** "Delete draft", behind a disclosure so one click does not throw the draft away. */
export function DeleteDraftForm({ action, invoiceId, patientId }: { action: FormAction<ActionState>; invoiceId: string; patientId: string }) {
  const { state, pending, formProps } = useActionForm(deleteDraftSchema, action, { defaultValues: { invoiceId, patientId } });
  return (
    <details>
      <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted">Delete draft</summary>
      <form {...formProps} className="mt-2 max-w-sm space-y-2 rounded-lg border border-line bg-surface p-3">
        <input type="hidden" name="invoiceId" value={invoiceId} />
        <input type="hidden" name="patientId" value={patientId} />
        <p className="text-sm">The draft has no number and was never sent, so nothing is lost but its lines.</p>
        <SecondaryButton type="submit" disabled={pending} className={dangerButton}>{pending ? 'Deleting…' : 'Delete this draft'}</SecondaryButton>
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </form>
    </details>
  );
}

const CLOSE_TEXT = {
  void: { summary: 'Void', button: 'Void invoice', pending: 'Voiding…', hint: 'The invoice stays in the records with its number; nothing is owed on it any more.' },
  write_off: { summary: 'Write off', button: 'Write off', pending: 'Writing off…', hint: 'What is still owed is given up; what was paid stays paid.' },
} as const;

/**
 * "Void" or "Write off" with the reason (kept with the invoice for staff). When the invoice's
 * state refuses it, the form is not offered and the refusal is said instead.
 */
export function CloseInvoiceForm({ action, invoiceId, kind, refusal }: { action: FormAction<ActionState>; invoiceId: string; kind: 'void' | 'write_off'; refusal: string | null }) {
  const text = CLOSE_TEXT[kind];
  const { form, state, pending, formProps, errorFor } = useActionForm(closeInvoiceSchema, action, { defaultValues: { invoiceId, reason: '' }, resetAfterSubmit: false });
  return (
    <details className="rounded-lg border border-line">
      <summary className="cursor-pointer px-3 py-2 font-medium">{text.summary}</summary>
      <div className="border-t border-line p-3">
        {refusal ? (
          <p className="text-sm">{refusal}</p>
        ) : (
          <form {...formProps} className="space-y-3">
            <input type="hidden" name="invoiceId" value={invoiceId} />
            <p className="text-sm text-fg-muted">{text.hint}</p>
            <TextField label="Reason" {...form.register('reason')} maxLength={INVOICE_LIMITS.reason} autoComplete="off" error={errorFor('reason')} />
            <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
            <SecondaryButton type="submit" disabled={pending} className={dangerButton}>{pending ? text.pending : text.button}</SecondaryButton>
          </form>
        )}
      </div>
    </details>
  );
}

/** "Adjust": a credit (lowers what is owed) or an extra charge, with a memo for staff. */
export function AdjustInvoiceForm({ action, invoiceId, currency }: { action: FormAction<ActionState>; invoiceId: string; currency: string }) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(adjustmentSchema, action, {
    defaultValues: { invoiceId, currency, direction: 'credit', amount: '', memo: '' },
  });
  const directionError = errorFor('direction');
  return (
    <details className="rounded-lg border border-line">
      <summary className="cursor-pointer px-3 py-2 font-medium">Adjust</summary>
      <form {...formProps} className="space-y-3 border-t border-line p-3">
        <input type="hidden" name="invoiceId" value={invoiceId} />
        <input type="hidden" name="currency" value={currency} />
        <fieldset aria-describedby={directionError ? `${id}-direction-error` : undefined}>
          <legend className="text-sm font-medium">Kind of adjustment</legend>
          <div className="mt-1 flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2"><input type="radio" value="credit" defaultChecked {...form.register('direction')} className="h-5 w-5" /> Credit (the patient owes less)</label>
            <label className="flex items-center gap-2"><input type="radio" value="charge" {...form.register('direction')} className="h-5 w-5" /> Extra charge (the patient owes more)</label>
          </div>
          {directionError ? <p id={`${id}-direction-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{directionError}</p> : null}
        </fieldset>
        <TextField label={`Amount in ${currency}`} {...form.register('amount')} inputMode="decimal" autoComplete="off" error={errorFor('amount')} />
        <TextField label="Memo" hint="Why, for the staff who read the invoice later." {...form.register('memo')} maxLength={INVOICE_LIMITS.memo} autoComplete="off" error={errorFor('memo')} />
        <SubmitBelowAnswer state={state} pending={pending} label="Add adjustment" pendingLabel="Adding…" />
      </form>
    </details>
  );
}

/** "Create invoice" for a completed visit: a draft at the service's price, opened for checking. */
export function VisitInvoiceForm({ action, appointmentId, label }: { action: FormAction<ActionState>; appointmentId: string; label: string }) {
  const { state, pending, formProps } = useActionForm(visitInvoiceSchema, action, { defaultValues: { appointmentId } });
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name="appointmentId" value={appointmentId} />
      <SecondaryButton type="submit" disabled={pending} aria-label={`Create invoice for ${label}`}>{pending ? 'Creating…' : 'Create invoice'}</SecondaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

/** "Charge no-show fee": a draft for the missed visit's fee, opened for checking and sending. */
export function NoShowFeeForm({ action, appointmentId, currency, defaultAmount, label }: {
  action: FormAction<ActionState>; appointmentId: string; currency: string; defaultAmount: string; label: string;
}) {
  const { form, state, pending, formProps, errorFor } = useActionForm(noShowFeeSchema, action, {
    defaultValues: { appointmentId, currency, amount: defaultAmount }, resetAfterSubmit: false,
  });
  return (
    <form {...formProps} className="flex flex-wrap items-end gap-3" aria-label={`No-show fee for ${label}`}>
      <input type="hidden" name="appointmentId" value={appointmentId} />
      <input type="hidden" name="currency" value={currency} />
      <TextField label={`Fee in ${currency}`} {...form.register('amount')} defaultValue={defaultAmount} inputMode="decimal" autoComplete="off" error={errorFor('amount')} className="w-40" />
      <SecondaryButton type="submit" disabled={pending}>{pending ? 'Creating…' : 'Charge no-show fee'}</SecondaryButton>
      <div className="basis-full"><FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} /></div>
    </form>
  );
}
