'use client';

import { PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CardFormState } from '@/lib/billing/portal-forms';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { ErrorSummary } from './error-summary';
import { cardFieldErrors, TestCardFields } from './test-card-fields';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadSchema = () => import('@/lib/billing/portal-forms').then((m) => m.payWithTestCardSchema);

export interface TestCardPayMessages {
  cardHeading: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
  cvcHint: string;
  payNow: string;
  paying: string;
  errorSummary: string;
  stillOpen: string;
  simulatedNote: string;
  /** The schema's message keys in the patient's language (the server's answers arrive translated). */
  errors: Record<string, string>;
}

/**
 * The test gateway's simulated card form on /portal/billing/pay. The attempt key was written
 * into the page when it was shown; after a decline the action answers a new one (the spent key
 * would answer with the same decline). The button is disabled while the payment is sent, and a
 * resent form is harmless anyway: the server finds the first payment by its key.
 */
export function TestCardPayForm({ action, attemptKey, invoiceIds, amount, messages }: {
  action: FormAction<CardFormState>;
  attemptKey: string;
  invoiceIds: readonly string[];
  amount: number;
  messages: TestCardPayMessages;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, { resetAfterSubmit: false });
  const error = (name: 'number' | 'expiry' | 'cvc') => {
    const text = errorFor(name);
    return text ? (messages.errors[text] ?? text) : undefined;
  };
  return (
    <form {...formProps} className="space-y-4" data-testid="pay-form" aria-describedby="pay-simulated-note">
      <ErrorSummary
        title={messages.errorSummary}
        message={state.message ? (state.declined ? `${state.message} ${messages.stillOpen}` : state.message) : undefined}
        errors={cardFieldErrors('pay-card', error)}
        answer={state}
      />
      <input type="hidden" name="attemptKey" value={state.attemptKey ?? attemptKey} />
      {invoiceIds.map((id) => <input key={id} type="hidden" name="invoice" value={id} />)}
      <input type="hidden" name="amount" value={String(amount)} />
      <TestCardFields idPrefix="pay-card" legend={messages.cardHeading} labels={messages} errorFor={error} />
      <p id="pay-simulated-note" className="text-sm text-fg-muted">{messages.simulatedNote}</p>
      <PrimaryButton type="submit" disabled={pending} aria-disabled={pending} className="w-full sm:w-auto" data-testid="pay-submit">
        {pending ? messages.paying : messages.payNow}
      </PrimaryButton>
    </form>
  );
}
