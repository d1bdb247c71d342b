import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { OrderSummary } from '@/components/commerce/shop/order-summary';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { loadCart, readCart } from '@/lib/commerce/cart';
import { shippingDefaults, type CheckoutRuleCode } from '@/lib/commerce/checkout';
import { INTL_LOCALE, translator } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { shop, SHOP_RULES } from '@/lib/i18n/messages/shop';
import { getPortalI18n } from '@/lib/i18n/portal';
import { checkoutTestCardAction, checkoutTokenCall, refreshOrderPaymentCall } from './actions';
import { clinicName, requireShop, shippingMessages, textLink } from './checkout-page';
import { PaymentSection, paymentOptions } from './payment-section';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(shop);
  return { title: t('checkoutTitle') };
}

/**
 * /portal/shop/checkout: the cart priced for the selected patient (the coupon checked with their
 * own limits), the shipping address filled in from their record when something ships, the card,
 * and for a subscription the authorisation to charge it for renewals. Paying places the order and
 * charges it (lib/commerce/checkout.ts); the attempt key is made as the page is shown.
 */
export default async function CheckoutPage() {
  const portal = await requirePortalPatient('orders');
  await requireShop(portal);
  const { t, locale } = await getPortalI18n(shop);
  const db = getDb();
  const view = await loadCart(db, portal.tenant.id, await readCart(portal.tenant.id), portal.patient.id);
  const quote = view.quote;
  if (!quote) redirect('/portal/shop/cart');
  const money = (minor: number) => formatMoney(minor, quote.currency, INTL_LOCALE[locale]);
  const clinic = await clinicName(portal);
  const applied = quote.coupon ? quote.coupon.coupon.code : null;
  const shipping = quote.requiresShipping ? { defaults: await shippingDefaults(db, portal), messages: shippingMessages(t) } : null;
  const self = portal.patient.relationship === 'self';
  const options = await paymentOptions(portal);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/shop/cart" className={textLink}>{t('editCart')}</Link></p>
      <header>
        <h1 className="text-2xl font-semibold">{t('checkoutTitle')}</h1>
        <p className="mt-1 text-fg-muted">{t('checkoutIntro')}{self ? '' : ` ${t('orderingFor', { name: `${portal.patient.firstName} ${portal.patient.lastName}` })}`}</p>
      </header>
      {view.changed ? <FormMessage tone="info" message={t('removedUnavailable')} /> : null}
      {view.couponRefusal && view.couponCode ? (
        <FormMessage message={t('couponNotApplied', { code: view.couponCode, reason: t(SHOP_RULES[view.couponRefusal.code as CheckoutRuleCode] ?? 'couponUnknown') })} />
      ) : null}
      <section aria-labelledby="order-heading" className="space-y-2">
        <h2 id="order-heading" className="text-lg font-semibold">{t('orderHeading')}</h2>
        <OrderSummary
          lines={quote.lines.map((l) => ({ key: l.product.id, name: l.product.name, quantity: l.quantity, amount: money(l.priced.subtotal), detail: null }))}
          totals={{
            subtotal: money(quote.totals.subtotal),
            discount: quote.totals.discountTotal > 0 && applied ? { label: t('discount', { code: applied }), amount: money(quote.totals.discountTotal) } : null,
            tax: quote.totals.taxTotal > 0 ? money(quote.totals.taxTotal) : null,
            total: money(quote.totals.total),
          }}
          messages={{ subtotal: t('subtotal'), tax: t('tax'), total: t('dueToday'), quantity: t('quantity') }}
        />
        {quote.hasSubscription ? <p className="text-sm text-fg-muted">{t('subscriptionNote')}</p> : null}
      </section>
      <section aria-labelledby="payment-heading" className="space-y-3">
        <h2 id="payment-heading" className="text-lg font-semibold">{t('paymentHeading')}</h2>
        <PaymentSection
          portal={portal}
          options={options}
          t={t}
          kind="checkout"
          action={checkoutTestCardAction}
          call={checkoutTokenCall}
          refresh={refreshOrderPaymentCall}
          hidden={{ expectedTotal: String(quote.totals.total), ...(applied ? { couponCode: applied } : {}) }}
          amount={quote.totals.total}
          amountText={money(quote.totals.total)}
          shipping={shipping}
          authorization={quote.hasSubscription ? {
            heading: t('authorizeHeading'), text: translator(billing, locale)('authorizationText', { clinic }), checkbox: t('authorizeCheckbox', { clinic }),
          } : null}
        />
      </section>
    </div>
  );
}
