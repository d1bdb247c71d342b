import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { invoiceSums } from '@/lib/billing/ledger';
import { ownOrder, orderHasSubscription } from '@/lib/commerce/checkout';
import { orderLabel } from '@/lib/commerce/settings';
import { INTL_LOCALE, translator } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { shop } from '@/lib/i18n/messages/shop';
import { getPortalI18n } from '@/lib/i18n/portal';
import { payOrderTestCardAction, payOrderTokenCall, refreshOrderPaymentCall } from '../../actions';
import { clinicName, orNotFound, requireShop, textLink } from '../../checkout-page';
import { PaymentSection, paymentOptions } from '../../payment-section';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(shop);
  return { title: t('payAgain') };
}

/**
 * /portal/shop/checkout/[orderId]/pay: an order whose card was declined (or not yet charged),
 * paid with a saved card or another one. A paid order goes to its next steps.
 */
export default async function PayOrderPage({ params, searchParams }: {
  params: Promise<{ orderId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const portal = await requirePortalPatient('orders');
  await requireShop(portal);
  const { t, locale } = await getPortalI18n(shop);
  const { orderId } = await params;
  const query = await searchParams;
  const db = getDb();
  const order = await orNotFound(ownOrder(db, portal, orderId));
  if ((order.status !== 'pending' && order.status !== 'awaiting_payment') || !order.invoiceId) redirect(`/portal/shop/checkout/${order.id}`);
  const due = (await invoiceSums(db, portal.tenant.id, [order.invoiceId])).get(order.invoiceId)!.due;
  const amountText = formatMoney(due, order.currency, INTL_LOCALE[locale]);
  const clinic = await clinicName(portal);
  const subscription = await orderHasSubscription(db, portal.tenant.id, order.id);
  const options = await paymentOptions(portal);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href={`/portal/shop/checkout/${order.id}`} className={textLink}>{t('backToOrder')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('payAgainTitle', { number: orderLabel(order.number) })}</h1>
      {query.declined === '1' || order.status === 'awaiting_payment' ? <FormMessage message={`${t('paymentFailed')} ${t('stillUnpaid')}`} /> : null}
      <PaymentSection
        portal={portal}
        options={options}
        t={t}
        kind="pay-order"
        action={payOrderTestCardAction}
        call={payOrderTokenCall}
        refresh={refreshOrderPaymentCall}
        hidden={{ orderId: order.id }}
        amount={due}
        amountText={amountText}
        shipping={null}
        authorization={subscription ? {
          heading: t('authorizeHeading'), text: translator(billing, locale)('authorizationText', { clinic }), checkbox: t('authorizeCheckbox', { clinic }),
        } : null}
      />
    </div>
  );
}
