import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthenticateForm } from '@/components/billing/portal/authenticate-form';
import { TestModeBanner } from '@/components/billing/portal/test-mode-banner';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { getPortalPayment } from '@/lib/billing/portal-payments';
import { getBillingSettings } from '@/lib/billing/settings';
import { orderOfPayment } from '@/lib/commerce/checkout';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { authenticateOrderPaymentAction } from '../../../../actions';
import { orNotFound, requireShop } from '../../../../checkout-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('authTitle') };
}

/**
 * The test gateway's simulated bank check of an order's payment (billing's own form): Approve
 * pays the order and goes to its next steps; Fail leaves it waiting for another card.
 */
export default async function OrderPaymentAuthenticatePage({ params }: { params: Promise<{ orderId: string; paymentId: string }> }) {
  const portal = await requirePortalPatient('orders');
  await requireShop(portal);
  const { t, locale } = await getPortalI18n(billing);
  const { orderId, paymentId } = await params;
  const db = getDb();
  const order = await orNotFound(orderOfPayment(db, portal, paymentId));
  if (order.id !== orderId) redirect(`/portal/shop/checkout/${order.id}`);
  const payment = await orNotFound(getPortalPayment(db, portal, paymentId));
  const settings = await getBillingSettings(db, portal.tenant.id);
  if (payment.status !== 'requires_action' || settings.gateway !== 'test') redirect(`/portal/shop/checkout/${order.id}`);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <TestModeBanner text={t('testBanner')} />
      <h1 className="text-2xl font-semibold">{t('authTitle')}</h1>
      <p>{t('authIntro', { amount: formatMoney(payment.amount, payment.currency, INTL_LOCALE[locale]) })}</p>
      <AuthenticateForm action={authenticateOrderPaymentAction} fields={{ orderId: order.id, paymentId: payment.id }} messages={{ approve: t('approve'), fail: t('fail'), checking: t('checking') }} />
    </div>
  );
}
