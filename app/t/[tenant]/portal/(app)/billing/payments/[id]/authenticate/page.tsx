import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthenticateForm } from '@/components/billing/portal/authenticate-form';
import { TestModeBanner } from '@/components/billing/portal/test-mode-banner';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { getPortalPayment } from '@/lib/billing/portal-payments';
import { getBillingSettings } from '@/lib/billing/settings';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { authenticatePaymentAction } from '../../../actions';
import { orNotFound, textLink } from '../../../billing-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('authTitle') };
}

/**
 * The test gateway's simulated bank check (3-D Secure), under the test banner: Approve or Fail.
 * A payment that no longer waits for it (already decided, or a Stripe payment, whose check is
 * Stripe's own) goes to its page instead.
 */
export default async function AuthenticatePaymentPage({ params }: { params: Promise<{ id: string }> }) {
  const portal = await requirePortalPatient('billing');
  const { t, locale } = await getPortalI18n(billing);
  const { id } = await params;
  const payment = await orNotFound(getPortalPayment(getDb(), portal, id));
  const settings = await getBillingSettings(getDb(), portal.tenant.id);
  if (payment.status !== 'requires_action' || settings.gateway !== 'test') redirect(`/portal/billing/payments/${payment.id}`);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/billing" className={textLink}>{t('backToBilling')}</Link></p>
      <TestModeBanner text={t('testBanner')} />
      <h1 className="text-2xl font-semibold">{t('authTitle')}</h1>
      <p>{t('authIntro', { amount: formatMoney(payment.amount, payment.currency, INTL_LOCALE[locale]) })}</p>
      <AuthenticateForm action={authenticatePaymentAction} fields={{ paymentId: payment.id }} messages={{ approve: t('approve'), fail: t('fail'), checking: t('checking') }} />
    </div>
  );
}
