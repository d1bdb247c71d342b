'use client';

import { useId } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { assignOrderSchema, cancelOrderSchema, cancelRefundSchema, moveOrderSchema, ORDER_FORM_LIMITS, orderNoteSchema, retryPaymentSchema } from '@/lib/commerce/order-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

// The order page's forms (EMR). Hidden ids are also the form's default values, so the browser's
// check with the shared schema sees the whole form the server parses. Without JavaScript each
// posts to its action and the page shows the answer.

const dangerButton = 'border-red-600 text-red-800 dark:text-red-300';

/** "Move to": the moves the state machine allows from here by hand, and a note for the history. */
export function MoveOrderForm({ action, orderId, moves }: { action: FormAction<ActionState>; orderId: string; moves: { value: string; label: string }[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(moveOrderSchema, action, { defaultValues: { orderId, to: moves[0]?.value as never, note: '' } });
  if (moves.length === 0) return <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />;
  return (
    <form {...formProps} className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="orderId" value={orderId} />
      <SelectField label="Move to" {...form.register('to')} defaultValue={moves[0]!.value} error={errorFor('to')}>
        {moves.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
      </SelectField>
      <TextField label="Note for the history (optional)" {...form.register('note')} maxLength={ORDER_FORM_LIMITS.moveNote} autoComplete="off" error={errorFor('note')} />
      <SubmitBelowAnswer state={state} pending={pending} label="Move order" pendingLabel="Moving…" className="sm:col-span-2" />
    </form>
  );
}

/** "Assign": a person with orders access and/or a team; "Nobody" clears each. */
export function AssignOrderForm({ action, orderId, staff, teams, current }: {
  action: FormAction<ActionState>;
  orderId: string;
  staff: { id: string; fullName: string }[];
  teams: string[];
  current: { staffId: string | null; team: string | null };
}) {
  const defaults = { orderId, staffId: current.staffId ?? '', team: current.team ?? '' };
  const { form, state, pending, formProps, errorFor } = useActionForm(assignOrderSchema, action, { defaultValues: defaults, resetAfterSubmit: false });
  return (
    <form {...formProps} className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="orderId" value={orderId} />
      <SelectField label="Staff member" {...form.register('staffId')} defaultValue={defaults.staffId} error={errorFor('staffId')}>
        <option value="">Nobody</option>
        {staff.map((s) => <option key={s.id} value={s.id}>{s.fullName}</option>)}
      </SelectField>
      <SelectField label="Team" {...form.register('team')} defaultValue={defaults.team} error={errorFor('team')}>
        <option value="">No team</option>
        {/* A team taken off the clinic's list since stays choosable for this order until changed. */}
        {[...new Set([...teams, ...(current.team ? [current.team] : [])])].map((t) => <option key={t} value={t}>{t}</option>)}
      </SelectField>
      <SubmitBelowAnswer state={state} pending={pending} label="Save assignment" pendingLabel="Saving…" className="sm:col-span-2" />
    </form>
  );
}

/** An internal note (never shown to the patient). */
export function OrderNoteForm({ action, orderId }: { action: FormAction<ActionState>; orderId: string }) {
  const id = useId();
  const { form, state, pending, formProps, errorFor } = useActionForm(orderNoteSchema, action, { defaultValues: { orderId, body: '' } });
  const error = errorFor('body');
  return (
    <form {...formProps} className="space-y-3">
      <input type="hidden" name="orderId" value={orderId} />
      <div>
        <label htmlFor={`${id}-body`} className="block text-sm font-medium">Add a note</label>
        <p id={`${id}-hint`} className="text-sm text-fg-muted">For staff only; the patient never sees it.</p>
        <textarea
          id={`${id}-body`} {...form.register('body')} rows={3} maxLength={ORDER_FORM_LIMITS.note}
          aria-describedby={[`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ')} aria-invalid={error ? true : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent"
        />
        {error ? <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      </div>
      <SubmitBelowAnswer state={state} pending={pending} label="Add note" pendingLabel="Adding…" />
    </form>
  );
}

/**
 * "Retry payment": charges the patient's saved card for what is due, enabled only when billing
 * says the card may be charged now (the reason is shown beside a disabled button otherwise).
 */
export function RetryPaymentForm({ action, orderId, attemptKey, amount, description, refusal }: {
  action: FormAction<ActionState>;
  orderId: string;
  attemptKey: string;
  amount: number;
  /** "Charges $25.00 to Visa •••• 4242." */
  description: string | null;
  refusal: string | null;
}) {
  const id = useId();
  const { state, pending, formProps } = useActionForm(retryPaymentSchema, action, { defaultValues: { orderId, attemptKey, amount: String(amount) } });
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="attemptKey" value={attemptKey} />
      <input type="hidden" name="amount" value={String(amount)} />
      {description ? <p className="text-sm">{description}</p> : null}
      <div className="flex flex-wrap items-center gap-3">
        <PrimaryButton type="submit" disabled={refusal !== null || pending} aria-describedby={refusal ? `${id}-why` : undefined}>
          {pending ? 'Charging…' : 'Retry payment'}
        </PrimaryButton>
        {refusal ? <p id={`${id}-why`} className="text-sm font-medium">{refusal}</p> : null}
      </div>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

/**
 * "Cancel order" (not paid: the invoice is voided, the coupon given back) or "Cancel and refund"
 * (paid: every payment refunded first), behind a disclosure so one click cannot do it.
 */
export function CancelOrderForm({ action, orderId, paid, attemptKey, hint }: {
  action: FormAction<ActionState>;
  orderId: string;
  paid: boolean;
  attemptKey: string;
  hint: string;
}) {
  const schema = paid ? cancelRefundSchema : cancelOrderSchema;
  const defaults = paid ? { orderId, attemptKey, reason: '' } : { orderId, reason: '' };
  const { form, state, pending, formProps, errorFor } = useActionForm(schema as typeof cancelOrderSchema, action, { defaultValues: defaults, resetAfterSubmit: false });
  const text = paid ? { summary: 'Cancel and refund', button: 'Cancel and refund', pending: 'Refunding…' } : { summary: 'Cancel order', button: 'Cancel order', pending: 'Cancelling…' };
  return (
    <details className="rounded-lg border border-line" open={state.message ? true : undefined}>
      <summary className="cursor-pointer px-3 py-2 font-medium">{text.summary}</summary>
      <form {...formProps} className="space-y-3 border-t border-line p-3">
        <input type="hidden" name="orderId" value={orderId} />
        {paid ? <input type="hidden" name="attemptKey" value={attemptKey} /> : null}
        <p className="text-sm text-fg-muted">{hint}</p>
        <TextField label="Reason" hint="Kept with the order for staff." {...form.register('reason')} maxLength={ORDER_FORM_LIMITS.reason} autoComplete="off" error={errorFor('reason')} />
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
        <SecondaryButton type="submit" disabled={pending} className={dangerButton}>{pending ? text.pending : text.button}</SecondaryButton>
      </form>
    </details>
  );
}
