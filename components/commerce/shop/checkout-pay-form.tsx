'use client';

import { ErrorSummary } from '@/components/billing/portal/error-summary';
import { cardFieldErrors, TestCardFields } from '@/components/billing/portal/test-card-fields';
import { PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CheckoutFormState } from '@/lib/commerce/checkout-forms';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { SHIPPING_FIELDS, ShippingFields, type ShippingField, type ShippingMessages, type ShippingValues } from './shipping-fields';

// Loaded once the page is interactive: zod and react-hook-form are not part of the first load.
const loadCheckoutSchema = () => import('@/lib/commerce/checkout-forms').then((m) => m.checkoutTestCardSchema);
const loadPayOrderSchema = () => import('@/lib/commerce/checkout-forms').then((m) => m.payOrderTestCardSchema);

export interface CheckoutPayMessages {
  errorSummary: string;
  payWith: string;
  newCard: string;
  cardHeading: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
  cvcHint: string;
  simulatedNote: string;
  submit: string;
  working: string;
  /** Added to a decline's words: nothing was charged. */
  stillUnpaid: string;
  /** The schemas' message keys in the patient's language. */
  errors: Record<string, string>;
}

export interface AuthorizationBox {
  heading: string;
  text: string;
  checkbox: string;
}

/**
 * The checkout's payment with the test gateway: the shipping address when the order ships, a
 * saved card or the simulated card form, and for a subscription the authorisation to charge the
 * card for its renewals. `kind` says which action's schema checks it in the browser: placing and
 * paying a new order, or paying an unpaid one again. The attempt key was written into the page;
 * after a decline the action answers a new one (the spent key would answer the same decline).
 */
export function CheckoutPayForm({ kind, action, attemptKey, hidden, shipping, savedCards, authorization, messages }: {
  kind: 'checkout' | 'pay-order';
  action: FormAction<CheckoutFormState>;
  attemptKey: string;
  hidden: Record<string, string>;
  shipping: { defaults: ShippingValues; messages: ShippingMessages } | null;
  savedCards: readonly { id: string; label: string }[];
  authorization: AuthorizationBox | null;
  messages: CheckoutPayMessages;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(kind === 'checkout' ? loadCheckoutSchema : (loadPayOrderSchema as unknown as typeof loadCheckoutSchema), action, { resetAfterSubmit: false });
  const error = (name: string) => {
    const text = errorFor(name as never) ?? state.fieldErrors?.[name];
    return text ? (messages.errors[text] ?? text) : undefined;
  };
  const summary = [
    ...(shipping ? SHIPPING_FIELDS.flatMap((name) => (error(name) ? [{ id: `ship-${name}`, message: error(name)! }] : [])) : []),
    ...(error('payWith') ? [{ id: 'pay-with', message: error('payWith')! }] : []),
    ...cardFieldErrors('checkout-card', (name) => error(name)),
    ...(error('authorize') ? [{ id: 'checkout-authorize', message: error('authorize')! }] : []),
  ];
  const box = 'flex min-h-11 cursor-pointer items-center gap-3';
  return (
    <form {...formProps} className="space-y-4" data-testid="checkout-form">
      <ErrorSummary
        title={messages.errorSummary}
        message={state.message ? (state.declined ? `${state.message} ${messages.stillUnpaid}` : state.message) : undefined}
        errors={summary}
        answer={state}
      />
      <input type="hidden" name="attemptKey" value={state.attemptKey ?? attemptKey} />
      {Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      {shipping ? <ShippingFields defaults={shipping.defaults} messages={shipping.messages} errorFor={(name: ShippingField) => error(name)} /> : null}

      {savedCards.length > 0 ? (
        <fieldset className="space-y-1 rounded-xl border border-line bg-surface p-4 sm:p-5" aria-describedby={error('payWith') ? 'pay-with-error' : undefined}>
          <legend className="px-1 text-lg font-semibold">{messages.payWith}</legend>
          {savedCards.map((card, i) => (
            <label key={card.id} className={box}>
              <input type="radio" name="payWith" value={card.id} defaultChecked={i === 0} id={i === 0 ? 'pay-with' : undefined} className="size-5 shrink-0 accent-brand" />
              <span>{card.label}</span>
            </label>
          ))}
          <label className={box}>
            <input type="radio" name="payWith" value="new" className="size-5 shrink-0 accent-brand" data-testid="pay-with-new" />
            <span>{messages.newCard}</span>
          </label>
          {error('payWith') ? <p id="pay-with-error" className="text-sm font-medium text-red-700 dark:text-red-300">{error('payWith')}</p> : null}
        </fieldset>
      ) : (
        <input type="hidden" name="payWith" value="new" />
      )}
      <TestCardFields idPrefix="checkout-card" legend={savedCards.length > 0 ? `${messages.cardHeading} (${messages.newCard.toLowerCase()})` : messages.cardHeading}
        labels={messages} errorFor={(name) => error(name)} />
      <p className="text-sm text-fg-muted">{messages.simulatedNote}</p>

      {authorization ? (
        <fieldset className="space-y-3 rounded-xl border border-line bg-surface p-4 sm:p-5">
          <legend className="px-1 text-lg font-semibold">{authorization.heading}</legend>
          <p id="checkout-authorize-text" className="rounded-lg bg-surface-muted p-3 text-sm">{authorization.text}</p>
          <label className={`${box} font-medium`}>
            <input type="checkbox" name="authorize" value="yes" id="checkout-authorize" aria-describedby="checkout-authorize-text" required
              aria-invalid={error('authorize') ? true : undefined} className="size-5 shrink-0 accent-brand" data-testid="authorize-subscription" />
            {authorization.checkbox}
          </label>
          {error('authorize') ? <p className="text-sm font-medium text-red-700 dark:text-red-300">{error('authorize')}</p> : null}
        </fieldset>
      ) : null}

      <PrimaryButton type="submit" disabled={pending} aria-disabled={pending} className="w-full sm:w-auto" data-testid="checkout-submit">
        {pending ? messages.working : messages.submit}
      </PrimaryButton>
    </form>
  );
}
