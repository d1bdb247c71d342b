'use client';

import { PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CardFormState } from '@/lib/billing/portal-forms';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { AuthorizationFields, authorizationErrors, type AuthorizationMessages } from './authorization-fields';
import { ErrorSummary } from './error-summary';
import { cardFieldErrors, TestCardFields } from './test-card-fields';

const loadSchema = () => import('@/lib/billing/portal-forms').then((m) => m.saveTestCardSchema);

export interface TestCardSaveMessages {
  cardHeading: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
  cvcHint: string;
  saveCard: string;
  saving: string;
  errorSummary: string;
  simulatedNote: string;
  authorization: AuthorizationMessages;
  errors: Record<string, string>;
}

/** "Add a card" with the test gateway's simulated card form, and the optional authorisation. */
export function TestCardSaveForm({ action, attemptKey, currency, messages }: {
  action: FormAction<CardFormState>;
  attemptKey: string;
  currency: string;
  messages: TestCardSaveMessages;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, { resetAfterSubmit: false });
  const error = (name: 'number' | 'expiry' | 'cvc' | 'scope' | 'maxAmount') => {
    const text = errorFor(name);
    return text ? (messages.errors[text] ?? text) : undefined;
  };
  return (
    <form {...formProps} className="space-y-4" data-testid="save-card-form">
      <ErrorSummary
        title={messages.errorSummary}
        message={state.message}
        errors={[...cardFieldErrors('save-card', error), ...authorizationErrors('save-auth', error)]}
        answer={state}
      />
      <input type="hidden" name="attemptKey" value={state.attemptKey ?? attemptKey} />
      <TestCardFields idPrefix="save-card" legend={messages.cardHeading} labels={messages} errorFor={error} />
      <p className="text-sm text-fg-muted">{messages.simulatedNote}</p>
      <AuthorizationFields idPrefix="save-auth" currency={currency} optional messages={messages.authorization} values={state.values} errorFor={error} />
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto" data-testid="save-card-submit">
        {pending ? messages.saving : messages.saveCard}
      </PrimaryButton>
    </form>
  );
}
