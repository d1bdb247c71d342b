import 'server-only';
import { randomUUID } from 'node:crypto';
import { StripeCardLoader } from '@/components/billing/portal/stripe-card-loader';
import { TestCardsHelp } from '@/components/billing/portal/test-cards-help';
import { TestModeBanner } from '@/components/billing/portal/test-mode-banner';
import { CheckoutPayForm, type AuthorizationBox } from '@/components/commerce/shop/checkout-pay-form';
import { ShippingFields, type ShippingMessages, type ShippingValues } from '@/components/commerce/shop/shipping-fields';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import type { PortalContext } from '@/lib/access/context';
import type { FormAction } from '@/lib/actions/result';
import { listPortalCards } from '@/lib/billing/cards';
import { gatewayFor, PaymentsUnavailableError } from '@/lib/billing/gateway';
import type { TokenCallResult } from '@/lib/billing/portal-forms';
import { getBillingSettings } from '@/lib/billing/settings';
import type { CheckoutFormState } from '@/lib/commerce/checkout-forms';
import { toLocale, translator, type Translate } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import type { shop } from '@/lib/i18n/messages/shop';
import { formErrors, stripePublishableKey, testCardOutcomes } from '../../billing/billing-page';

/**
 * The checkout's payment, shared by the checkout and "pay with another card": the test gateway's
 * simulated form under its banner (a saved card or a new one), or Stripe's Payment Element. The
 * card words are billing's own; the attempt key is made as the page is shown.
 */
export interface PaymentOptions {
  gateway: 'test' | 'stripe' | null;
  /** Why the clinic cannot take a card now, in the patient's words. */
  unavailable: string | null;
  savedCards: { id: string; brand: string; last4: string; expMonth: number; expYear: number }[];
  publishableKey: string | null;
  stripeAccountId: string | null;
  currency: string;
}

/** How the clinic takes cards now, and the patient's saved cards (where billing shows them). */
export async function paymentOptions(portal: PortalContext): Promise<PaymentOptions> {
  const db = getDb();
  const tb = translator(billing, toLocale(portal.account.language));
  const settings = await getBillingSettings(db, portal.tenant.id);
  const base = { savedCards: [], publishableKey: null, stripeAccountId: settings.stripeAccountId, currency: settings.currency };
  let gateway: 'test' | 'stripe';
  try {
    gateway = (await gatewayFor(db, portal.tenant.id)).kind;
  } catch (error) {
    if (!(error instanceof PaymentsUnavailableError)) throw error;
    return { ...base, gateway: null, unavailable: error.code === 'payments-off' ? tb('rulePaymentsOff') : tb('rulePaymentsNotSetUp') };
  }
  const publishableKey = stripePublishableKey();
  if (gateway === 'stripe') return { ...base, gateway, publishableKey, unavailable: publishableKey ? null : tb('rulePaymentsNotSetUp') };
  // Saved cards only where billing shows them (their list answers not-found otherwise).
  const cards = await listPortalCards(db, portal).catch(() => []);
  return { ...base, gateway, unavailable: null, savedCards: cards.map(({ id, brand, last4, expMonth, expYear }) => ({ id, brand, last4, expMonth, expYear })) };
}

export function PaymentSection({ portal, options, t, kind, action, call, refresh, hidden, amount, amountText, shipping, authorization }: {
  portal: PortalContext;
  options: PaymentOptions;
  t: Translate<typeof shop.en>;
  kind: 'checkout' | 'pay-order';
  action: FormAction<CheckoutFormState>;
  call: (input: unknown) => Promise<TokenCallResult>;
  refresh: (input: unknown) => Promise<TokenCallResult>;
  hidden: Record<string, string>;
  amount: number;
  amountText: string;
  shipping: { defaults: ShippingValues; messages: ShippingMessages } | null;
  authorization: AuthorizationBox | null;
}) {
  const locale = toLocale(portal.account.language);
  const tb = translator(billing, locale);
  if (options.unavailable || !options.gateway) return <FormMessage message={options.unavailable ?? tb('rulePaymentsNotSetUp')} />;
  const attemptKey = randomUUID();
  // The schemas' message keys in the patient's language: billing's card words, then the shop's.
  const shopKeys = ['fixErrors', 'errPageExpired', 'errNotFound', 'errChooseCard', 'errTooLong', 'errCouponCode', 'errCardNumberRequired', 'errTestCardUnknown', 'errExpiry', 'errCvc', 'errCardToken'] as const;
  const errors: Record<string, string> = { ...formErrors(tb), ...Object.fromEntries(shopKeys.map((key) => [key, t(key)])) };

  if (options.gateway === 'test') {
    return (
      <div className="space-y-4">
        <TestModeBanner text={tb('testBanner')} />
        <TestCardsHelp summary={tb('testCardsSummary')} intro={tb('testCardsIntro')} outcomes={testCardOutcomes(tb)} />
        <CheckoutPayForm
          kind={kind}
          action={action}
          attemptKey={attemptKey}
          hidden={hidden}
          shipping={shipping}
          savedCards={options.savedCards.map((c) => ({ id: c.id, label: t('savedCard', { brand: c.brand, last4: c.last4, month: String(c.expMonth).padStart(2, '0'), year: c.expYear }) }))}
          authorization={authorization}
          messages={{
            errorSummary: tb('errorSummary'), payWith: t('payWith'), newCard: t('newCard'), cardHeading: tb('cardHeading'), cardNumber: tb('cardNumber'),
            expiry: tb('expiry'), cvc: tb('cvc'), cvcHint: tb('cvcHint'), simulatedNote: tb('simulatedNote'),
            submit: t('payNow', { amount: amountText }), working: t('paying'), stillUnpaid: t('stillUnpaid'), errors,
          }}
        />
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <p className="text-sm text-fg-muted">{tb('stripeNote')}</p>
      <StripeCardLoader
        mode="payment"
        publishableKey={options.publishableKey!}
        stripeAccount={options.stripeAccountId}
        amount={amount}
        currency={options.currency}
        locale={locale}
        attemptKey={attemptKey}
        submit={call}
        refresh={refresh}
        loadingText={tb('stripeLoading')}
        noScriptText={tb('stripeNeedsJavaScript')}
        messages={{
          submit: t('payNow', { amount: amountText }), working: t('paying'), errorSummary: tb('errorSummary'),
          bankCheck: tb('bankCheckStarted'), unavailable: tb('stripeUnavailable'), errors,
        }}
      >
        {Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
        {shipping ? <ShippingFields defaults={shipping.defaults} messages={shipping.messages} errorFor={() => undefined} /> : null}
        {authorization ? (
          <fieldset className="space-y-3 rounded-xl border border-line bg-surface p-4 sm:p-5">
            <legend className="px-1 text-lg font-semibold">{authorization.heading}</legend>
            <p id="checkout-authorize-text" className="rounded-lg bg-surface-muted p-3 text-sm">{authorization.text}</p>
            <label className="flex min-h-11 cursor-pointer items-center gap-3 font-medium">
              <input type="checkbox" name="authorize" value="yes" aria-describedby="checkout-authorize-text" required className="size-5 shrink-0 accent-brand" />
              {authorization.checkbox}
            </label>
          </fieldset>
        ) : null}
      </StripeCardLoader>
    </div>
  );
}
