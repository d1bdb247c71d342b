import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { StripeCardLoader } from '@/components/billing/portal/stripe-card-loader';
import { TestCardPayForm } from '@/components/billing/portal/test-card-pay-form';
import { TestCardsHelp } from '@/components/billing/portal/test-cards-help';
import { TestModeBanner } from '@/components/billing/portal/test-mode-banner';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { gatewayFor, PaymentsUnavailableError } from '@/lib/billing/gateway';
import { listPortalInvoices } from '@/lib/billing/invoice-reads';
import { formatMoney } from '@/lib/billing/money';
import { MAX_INVOICES_PER_PAYMENT } from '@/lib/billing/portal-forms';
import { getBillingSettings } from '@/lib/billing/settings';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { isUuid } from '@/lib/kernel/ids';
import { payWithTestCardAction, payWithTokenCall, refreshPaymentCall } from '../actions';
import { formErrors, orNotFound, stripePublishableKey, testCardOutcomes, textLink } from '../billing-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('payTitle') };
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * /portal/billing/pay?invoice=…&invoice=…: the amount and the invoices, then the card. With no
 * invoice named, every open one (the whole balance). The attempt key is made as the page is
 * shown, so a double click or a resent form is one payment (lib/billing/portal-payments.ts).
 * The test gateway's simulated form says so on a banner; with Stripe, its Payment Element.
 */
export default async function PortalPayPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient('billing');
  const { t, fmt, locale } = await getPortalI18n(billing);
  const query = await searchParams;
  const db = getDb();
  const { invoices, currency } = await orNotFound(listPortalInvoices(db, portal));
  const requested = new Set(list(query.invoice).filter(isUuid));
  const payable = invoices.filter((i) => (i.status === 'open' || i.status === 'partially_paid') && i.due > 0);
  // Oldest first, as lib spreads a payment; the overview's form always says it chose (choose=1).
  const chosen = (requested.size > 0 ? payable.filter((i) => requested.has(i.id)) : query.choose === '1' ? [] : payable)
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
    .slice(0, MAX_INVOICES_PER_PAYMENT);
  const amount = chosen.reduce((sum, i) => sum + i.due, 0);
  const money = (minor: number) => formatMoney(minor, currency, INTL_LOCALE[locale]);

  let gateway: 'test' | 'stripe' | null = null;
  let unavailable: string | null = null;
  try {
    gateway = (await gatewayFor(db, portal.tenant.id)).kind;
  } catch (error) {
    if (!(error instanceof PaymentsUnavailableError)) throw error;
    unavailable = error.code === 'payments-off' ? t('rulePaymentsOff') : t('rulePaymentsNotSetUp');
  }
  const settings = await getBillingSettings(db, portal.tenant.id);
  const publishableKey = stripePublishableKey();
  if (gateway === 'stripe' && !publishableKey) unavailable = t('rulePaymentsNotSetUp');
  const attemptKey = randomUUID();

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href="/portal/billing" className={textLink}>{t('backToBilling')}</Link></p>
      <h1 className="text-2xl font-semibold">{chosen.length > 0 ? t('payAmount', { amount: money(amount) }) : t('payTitle')}</h1>
      {gateway === 'test' ? <TestModeBanner text={t('testBanner')} /> : null}

      {chosen.length === 0 ? (
        <FormMessage tone="info" message={requested.size === 0 && query.choose === '1' ? t('payChooseNone') : t('payNothing')} />
      ) : (
        <>
          <section aria-labelledby="pay-invoices-heading" className="space-y-2">
            <h2 id="pay-invoices-heading" className="font-medium">{chosen.length === 1 ? t('payIntroOne') : t('payIntroMany')}</h2>
            <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
              {chosen.map((i) => (
                <li key={i.id} className="flex justify-between gap-3 p-3">
                  <span className="min-w-0">
                    <span className="block font-medium">{i.label}</span>
                    {i.dueDate ? <span className="block text-sm text-fg-muted">{i.overdue ? t('overdue') : t('dueOn', { date: fmt.calendarDate(i.dueDate) })}</span> : null}
                  </span>
                  <span className="shrink-0 font-semibold tabular-nums">{money(i.due)}</span>
                </li>
              ))}
              <li className="flex justify-between gap-3 p-3 text-lg font-semibold">
                <span>{t('payTotal')}</span>
                <span className="tabular-nums" data-testid="pay-total">{money(amount)}</span>
              </li>
            </ul>
          </section>

          {unavailable ? <FormMessage message={unavailable} /> : null}

          {gateway === 'test' && !unavailable ? (
            <>
              <TestCardsHelp summary={t('testCardsSummary')} intro={t('testCardsIntro')} outcomes={testCardOutcomes(t)} />
              <TestCardPayForm
                action={payWithTestCardAction}
                attemptKey={attemptKey}
                invoiceIds={chosen.map((i) => i.id)}
                amount={amount}
                messages={{
                  cardHeading: t('cardHeading'), cardNumber: t('cardNumber'), expiry: t('expiry'), cvc: t('cvc'), cvcHint: t('cvcHint'),
                  payNow: t('payNow', { amount: money(amount) }), paying: t('paying'), errorSummary: t('errorSummary'),
                  stillOpen: t('stillOpen'), simulatedNote: t('simulatedNote'), errors: formErrors(t),
                }}
              />
            </>
          ) : null}

          {gateway === 'stripe' && !unavailable && publishableKey ? (
            <>
              <p className="text-sm text-fg-muted">{t('stripeNote')}</p>
              <StripeCardLoader
                mode="payment"
                publishableKey={publishableKey}
                stripeAccount={settings.stripeAccountId}
                amount={amount}
                currency={currency}
                locale={locale}
                attemptKey={attemptKey}
                submit={payWithTokenCall}
                refresh={refreshPaymentCall}
                loadingText={t('stripeLoading')}
                noScriptText={t('stripeNeedsJavaScript')}
                messages={{
                  submit: t('payNow', { amount: money(amount) }), working: t('paying'), errorSummary: t('errorSummary'),
                  bankCheck: t('bankCheckStarted'), unavailable: t('stripeUnavailable'), errors: formErrors(t),
                }}
              >
                {chosen.map((i) => <input key={i.id} type="hidden" name="invoice" value={i.id} />)}
                <input type="hidden" name="amount" value={String(amount)} />
              </StripeCardLoader>
            </>
          ) : null}
        </>
      )}
    </div>
  );
}
