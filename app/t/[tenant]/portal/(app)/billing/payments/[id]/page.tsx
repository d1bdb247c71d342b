import type { Metadata } from 'next';
import Link from 'next/link';
import { BillingStatusBadge } from '@/components/billing/portal/status-badge';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { invoiceLabel, receiptLabel } from '@/lib/billing/numbering';
import { brandName } from '@/lib/billing/pdf';
import { getPortalPayment } from '@/lib/billing/portal-payments';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing, billingLibMessage } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { clinicOf, linkButton, orNotFound, secondaryLink, textLink } from '../../billing-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('paymentTitle') };
}

/**
 * One payment of the selected patient: the receipt once it went through ("Print receipt" is the
 * PDF); while it waits on the bank, a way on; when it did not go through, the bank's words and
 * "Try again" (the pay page for the same invoices, with a new attempt key).
 */
export default async function PortalPaymentPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const portal = await requirePortalPatient('billing');
  const { t, fmt, locale } = await getPortalI18n(billing);
  const { id } = await params;
  const [payment, clinic] = await Promise.all([orNotFound(getPortalPayment(getDb(), portal, id)), clinicOf(portal)]);
  const justPaid = (await searchParams).paid === '1';
  const money = (minor: number) => formatMoney(minor, payment.currency, INTL_LOCALE[locale]);
  const retry = `/portal/billing/pay?${payment.invoices.map((i) => `invoice=${i.id}`).join('&')}`;
  const succeeded = payment.status === 'succeeded';

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/billing" className={textLink}>{t('backToBilling')}</Link></p>
      <header className="space-y-2">
        <p className="text-fg-muted">{clinic.name}</p>
        <h1 className="text-2xl font-semibold" data-testid="payment-heading">
          {succeeded ? t('receiptTitle', { number: receiptLabel(payment.receiptNumber) }) : payment.status === 'failed' || payment.status === 'canceled' ? t('paymentFailedTitle') : t('paymentTitle')}
        </h1>
        <BillingStatusBadge payment={payment.status} label={t(`paymentStatus_${payment.status}`)} />
      </header>

      {succeeded && justPaid ? <p role="status" className="rounded-lg border border-emerald-300 bg-emerald-50 px-3 py-2 font-medium text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">{t('paidThanks')}</p> : null}
      {payment.status === 'failed' || payment.status === 'canceled' ? (
        <div role="alert" className="space-y-3 rounded-lg border-2 border-red-600 bg-red-50 p-3 text-red-900 dark:bg-red-950 dark:text-red-50" data-testid="payment-failure">
          <p className="font-medium">{billingLibMessage(locale, payment.failureMessage ?? '') || t('declineDefault')} {t('stillOpen')}</p>
          <a href={retry} className={linkButton} data-testid="payment-try-again">{t('tryAgain')}</a>
        </div>
      ) : null}
      {payment.status === 'requires_action' ? (
        <div className="space-y-3 rounded-lg border border-line bg-surface p-3">
          <p>{t('paymentWaiting')}</p>
          <Link href={`/portal/billing/payments/${payment.id}/authenticate`} className={linkButton}>{t('continueCheck')}</Link>
        </div>
      ) : null}
      {payment.status === 'pending' ? (
        <div role="status" className="space-y-3 rounded-lg border border-line bg-surface p-3">
          <p>{t('paymentPending')}</p>
          <Link href={`/portal/billing/payments/${payment.id}`} className={secondaryLink}>{t('checkAgain')}</Link>
        </div>
      ) : null}

      <dl className="space-y-2 rounded-xl border border-line bg-surface p-4" data-testid="payment-details">
        {succeeded ? (
          <div className="flex flex-wrap justify-between gap-2"><dt className="text-fg-muted">{t('receiptNumberTerm')}</dt><dd className="font-medium">{receiptLabel(payment.receiptNumber)}</dd></div>
        ) : null}
        <div className="flex flex-wrap justify-between gap-2">
          <dt className="text-fg-muted">{succeeded ? t('paidOnTerm') : t('startedTerm')}</dt>
          <dd className="font-medium">{fmt.dateTime(payment.succeededAt ?? payment.createdAt, clinic.zone)}</dd>
        </div>
        <div className="flex flex-wrap justify-between gap-2"><dt className="text-fg-muted">{t('amountTerm')}</dt><dd className="text-lg font-semibold tabular-nums">{money(payment.amount)}</dd></div>
        <div className="flex flex-wrap justify-between gap-2">
          <dt className="text-fg-muted">{t('methodTerm')}</dt>
          <dd className="font-medium">
            {t(`method_${payment.method}`)}
            {payment.cardBrand && payment.cardLast4 ? ` · ${t('cardEnding', { brand: brandName(payment.cardBrand), last4: payment.cardLast4 })}` : ''}
          </dd>
        </div>
        <div className="flex flex-wrap justify-between gap-2">
          <dt className="text-fg-muted">{t('invoicesTerm')}</dt>
          <dd>
            <ul className="text-right">
              {payment.invoices.map((i) => (
                <li key={i.id}>
                  <Link href={`/portal/billing/invoices/${i.id}`} className={textLink}>{invoiceLabel(i.number)}</Link> <span className="tabular-nums">{money(i.amount)}</span>
                </li>
              ))}
            </ul>
          </dd>
        </div>
        {payment.refunded > 0 ? (
          <div className="flex flex-wrap justify-between gap-2"><dt className="text-fg-muted">{t('refundedTerm')}</dt><dd className="font-medium tabular-nums">{money(payment.refunded)}</dd></div>
        ) : null}
      </dl>

      {succeeded ? (
        <div className="space-y-2">
          <a href={`/portal/billing/payments/${payment.id}/receipt`} className={linkButton} data-testid="print-receipt">{t('printReceipt')}</a>
          <p className="text-sm text-fg-muted">{t('receiptEmailed')}</p>
        </div>
      ) : null}
    </div>
  );
}
