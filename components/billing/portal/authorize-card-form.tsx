'use client';

import { PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CardFormState } from '@/lib/billing/portal-forms';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { AuthorizationFields, authorizationErrors, type AuthorizationMessages } from './authorization-fields';
import { ErrorSummary } from './error-summary';

const loadSchema = () => import('@/lib/billing/portal-forms').then((m) => m.authorizeCardSchema);

/** Authorising the clinic to charge a card already saved. */
export function AuthorizeCardForm({ action, cardId, currency, messages }: {
  action: FormAction<CardFormState>;
  cardId: string;
  currency: string;
  messages: { submit: string; working: string; errorSummary: string; authorization: AuthorizationMessages; errors: Record<string, string> };
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, { resetAfterSubmit: false });
  const error = (name: 'scope' | 'maxAmount') => {
    const text = errorFor(name);
    return text ? (messages.errors[text] ?? text) : undefined;
  };
  return (
    <form {...formProps} className="space-y-4" data-testid="authorize-card-form">
      <ErrorSummary title={messages.errorSummary} message={state.message} errors={authorizationErrors('authorize', error)} answer={state} />
      <input type="hidden" name="cardId" value={cardId} />
      <AuthorizationFields idPrefix="authorize" currency={currency} optional={false} messages={messages.authorization} values={state.values} errorFor={error} />
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto" data-testid="authorize-card-submit">
        {pending ? messages.working : messages.submit}
      </PrimaryButton>
    </form>
  );
}
