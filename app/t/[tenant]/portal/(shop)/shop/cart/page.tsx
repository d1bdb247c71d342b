import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderSummary } from '@/components/commerce/shop/order-summary';
import { FormMessage, SecondaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { formatMoney } from '@/lib/billing/money';
import { loadCart, readCart } from '@/lib/commerce/cart';
import type { CheckoutRuleCode } from '@/lib/commerce/checkout';
import { MAX_QUANTITY_CHOICE } from '@/lib/commerce/checkout-forms';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { SHOP_RULES } from '@/lib/i18n/messages/shop';
import { applyCouponAction, removeCartLineAction, removeCouponAction, updateCartLineAction } from '../../../(public)/shop/actions';
import { linkButton, phasesText, secondaryLink, shopRequest, textLink } from '../shop-page';

export async function generateMetadata({ params }: { params: Promise<{ tenant: string }> }): Promise<Metadata> {
  const { t } = await shopRequest(params);
  return { title: t('cartTitle') };
}

/**
 * /portal/shop/cart: the cart re-checked against the shop (what it no longer sells is taken out),
 * quantities, the coupon (and why it does not apply, as the checkout would refuse it), tax and
 * the total due today. Checking out needs a patient: a visitor signs in, or creates an account
 * when the clinic's shop is open to new visitors; the cart cookie stays through either.
 */
export default async function CartPage({ params, searchParams }: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant, settings, account, locale, t } = await shopRequest(params);
  const query = await searchParams;
  const view = await loadCart(getDb(), tenant.id, await readCart(tenant.id), account?.patient?.id ?? null);
  const quote = view.quote;
  const money = (minor: number) => formatMoney(minor, quote?.currency ?? 'USD', INTL_LOCALE[locale]);
  const couponWords = view.couponRefusal ? t(SHOP_RULES[view.couponRefusal.code as CheckoutRuleCode] ?? 'couponUnknown') : query.coupon === 'invalid' ? t('errCouponCode') : undefined;
  const applied = quote?.coupon ? quote.coupon.coupon.code : null;
  const next = encodeURIComponent('/portal/shop/checkout');
  const added = typeof query.added === 'string' ? quote?.lines.find((l) => l.product.id === query.added) : undefined;

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <p><Link href="/portal/shop" className={textLink}>{t('continueShopping')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('cartTitle')}</h1>
      {view.changed ? <FormMessage tone="info" message={t('removedUnavailable')} /> : null}
      {query.updated === '1' ? <FormMessage tone="info" message={t('cartUpdated')} /> : null}
      {added ? <FormMessage tone="info" message={t('addedToCart', { name: added.product.name })} /> : null}
      {!quote ? (
        <p className="rounded-xl border border-line bg-surface p-4" data-testid="cart-empty">{t('cartEmpty')}</p>
      ) : (
        <>
          <section aria-labelledby="cart-lines-heading" className="space-y-2">
            <h2 id="cart-lines-heading" className="sr-only">{t('cartTitle')}</h2>
            <OrderSummary
              lines={quote.lines.map((l) => ({
                key: l.product.id, name: l.product.name, quantity: l.quantity, amount: money(l.priced.subtotal),
                detail: l.product.kind === 'subscription' ? phasesText(l.product.phases, quote.currency, locale, t) : l.quantity > 1 ? t('priceEach', { price: money(l.priced.unitAmount) }) : null,
              }))}
              totals={{
                subtotal: money(quote.totals.subtotal),
                discount: quote.totals.discountTotal > 0 && applied ? { label: t('discount', { code: applied }), amount: money(quote.totals.discountTotal) } : null,
                tax: quote.totals.taxTotal > 0 ? money(quote.totals.taxTotal) : null,
                total: money(quote.totals.total),
              }}
              messages={{ subtotal: t('subtotal'), tax: t('tax'), total: t('dueToday'), quantity: t('quantity') }}
            >
              {(productId) => {
                const line = quote.lines.find((l) => l.product.id === productId)!;
                return (
                  <div className="flex flex-wrap items-end gap-3">
                    {line.product.kind === 'one_time' ? (
                      <form action={updateCartLineAction} className="flex items-end gap-2">
                        <input type="hidden" name="productId" value={productId} />
                        <SelectField label={t('quantityOf', { name: line.product.name })} name="quantity" defaultValue={String(line.quantity)} className="w-40">
                          {Array.from({ length: MAX_QUANTITY_CHOICE + 1 }, (_, i) => <option key={i} value={String(i)}>{i}</option>)}
                        </SelectField>
                        <SecondaryButton type="submit">{t('update')}</SecondaryButton>
                      </form>
                    ) : null}
                    <form action={removeCartLineAction}>
                      <input type="hidden" name="productId" value={productId} />
                      <SecondaryButton type="submit" aria-label={t('removeName', { name: line.product.name })}>{t('remove')}</SecondaryButton>
                    </form>
                  </div>
                );
              }}
            </OrderSummary>
            {quote.hasSubscription ? <p className="text-sm text-fg-muted">{t('subscriptionNote')}</p> : null}
          </section>

          <section aria-labelledby="coupon-heading" className="rounded-xl border border-line bg-surface p-4">
            <h2 id="coupon-heading" className="sr-only">{t('couponLabel')}</h2>
            {applied ? (
              <form action={removeCouponAction} className="flex flex-wrap items-center justify-between gap-3">
                <p role="status">{t('couponApplied', { code: applied })}</p>
                <SecondaryButton type="submit">{t('removeCoupon')}</SecondaryButton>
              </form>
            ) : (
              <form action={applyCouponAction} className="flex flex-wrap items-end gap-3">
                <TextField label={t('couponLabel')} name="couponCode" maxLength={64} autoComplete="off" defaultValue={view.couponCode ?? ''}
                  error={couponWords} className="min-w-0 flex-1" data-testid="coupon-code" />
                <SecondaryButton type="submit" data-testid="apply-coupon">{t('applyCoupon')}</SecondaryButton>
              </form>
            )}
          </section>

          <div className="flex flex-wrap gap-3">
            {account ? (
              // A full page load: the checkout may take a card with Stripe, whose scripts only its own policy allows.
              <a href="/portal/shop/checkout" className={linkButton} data-testid="checkout-link">{t('checkout')}</a>
            ) : settings.openToNewVisitors ? (
              <>
                <Link href={`/portal/shop/join?next=${next}`} className={linkButton} data-testid="checkout-join">{t('joinToCheckout')}</Link>
                <Link href={`/portal/sign-in?next=${next}`} className={secondaryLink}>{t('alreadyHaveAccount')}</Link>
              </>
            ) : (
              <Link href={`/portal/sign-in?next=${next}`} className={linkButton} data-testid="checkout-sign-in">{t('signInToCheckout')}</Link>
            )}
          </div>
        </>
      )}
    </div>
  );
}
