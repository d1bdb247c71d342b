import type { Metadata } from 'next';
import Link from 'next/link';
import { InvoiceChooser } from '@/components/billing/portal/invoice-chooser';
import { BillingStatusBadge } from '@/components/billing/portal/status-badge';
import { EmptyState } from '@/components/portal/empty-state';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalInvoices, PORTAL_BILLING_LIST_LIMIT } from '@/lib/billing/invoice-reads';
import { formatMoney } from '@/lib/billing/money';
import { invoiceLabel, receiptLabel } from '@/lib/billing/numbering';
import { listPortalPayments } from '@/lib/billing/portal-payments';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { clinicOf, orNotFound, textLink } from './billing-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('title') };
}

/**
 * /portal/billing (issue 16 point 4): the selected patient's balance, the open invoices to pay
 * (all ticked), the latest paid and closed ones, the latest payments with receipts, saved cards
 * and the statement (which has the older ones). The balance is the sum of the ledger
 * (lib/billing/ledger.ts). Its data costs two statements beyond the session and the clinic's
 * billing options (tests/integration/billing-portal-queries.int.test.ts).
 */
export default async function PortalBillingPage() {
  const portal = await requirePortalPatient('billing');
  const { t, fmt, locale } = await getPortalI18n(billing);
  const db = getDb();
  const [{ invoices, balance, currency, moreClosed }, latestPayments, clinic] = await Promise.all([
    orNotFound(listPortalInvoices(db, portal)),
    // One more than is shown, to know whether the statement has older ones.
    orNotFound(listPortalPayments(db, portal, { limit: PORTAL_BILLING_LIST_LIMIT + 1 })),
    clinicOf(portal),
  ]);
  const payments = latestPayments.slice(0, PORTAL_BILLING_LIST_LIMIT);
  const morePayments = latestPayments.length > PORTAL_BILLING_LIST_LIMIT;
  const money = (minor: number, cur = currency) => formatMoney(minor, cur, INTL_LOCALE[locale]);
  const open = invoices.filter((i) => (i.status === 'open' || i.status === 'partially_paid') && i.due > 0);
  const closed = invoices.filter((i) => !open.includes(i));
  const isSelf = portal.patient.relationship === 'self';

  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <header>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{isSelf ? t('introSelf') : t('introOther', { name: `${portal.patient.firstName} ${portal.patient.lastName}` })}</p>
      </header>

      <section aria-labelledby="balance-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="balance-heading" className="text-sm font-medium uppercase tracking-wide text-fg-muted">{t('balanceHeading')}</h2>
        <p className="mt-1 text-3xl font-bold tabular-nums" data-testid="billing-balance">
          {balance > 0 ? t('youOwe', { amount: money(balance) }) : balance < 0 ? t('inCredit', { amount: money(-balance) }) : t('nothingToPay')}
        </p>
        <nav aria-label={t('title')} className="mt-3 flex flex-wrap gap-x-4">
          <Link href="/portal/billing/cards" className={textLink}>{t('cardsLink')}</Link>
          <Link href="/portal/billing/statement" className={textLink}>{t('statementLink')}</Link>
        </nav>
      </section>

      <section aria-labelledby="open-heading" className="space-y-3">
        <h2 id="open-heading" className="text-lg font-semibold">{t('openHeading')}</h2>
        {open.length === 0 ? (
          <EmptyState title={t('openNone')} />
        ) : (
          <InvoiceChooser
            currency={currency}
            intlLocale={INTL_LOCALE[locale]}
            invoices={open.map((i) => ({
              id: i.id,
              label: [i.label, i.dueDate ? t('dueOn', { date: fmt.calendarDate(i.dueDate) }) : null].filter(Boolean).join(' · '),
              detail: [i.overdue ? t('overdue') : t(`status_${i.status}`), i.due !== i.total ? t('totalAmount', { amount: money(i.total, i.currency) }) : null].filter(Boolean).join(' · '),
              due: i.due,
              href: `/portal/billing/invoices/${i.id}`,
              linkLabel: t('viewInvoice', { number: i.label }),
            }))}
            messages={{ legend: t('chooseLegend'), hint: t('chooseHint'), payAmount: t('payAmount'), chooseFirst: t('payChooseFirst') }}
          />
        )}
      </section>

      <section aria-labelledby="closed-heading" className="space-y-3">
        <h2 id="closed-heading" className="text-lg font-semibold">{t('closedHeading')}</h2>
        {closed.length === 0 ? (
          <EmptyState title={t('closedNone')} />
        ) : (
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {closed.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
                <div className="min-w-0">
                  <Link href={`/portal/billing/invoices/${i.id}`} className={textLink} aria-label={t('viewInvoice', { number: i.label })}>{i.label}</Link>
                  {i.issueDate ? <p className="text-sm text-fg-muted">{t('issuedOn', { date: fmt.calendarDate(i.issueDate) })}</p> : null}
                </div>
                <div className="flex items-center gap-3">
                  <span className="font-semibold tabular-nums">{money(i.total, i.currency)}</span>
                  <BillingStatusBadge invoice={i.status} label={t(`status_${i.status}`)} />
                </div>
              </li>
            ))}
          </ul>
        )}
        {moreClosed ? <OlderInStatement text={t('closedMore', { count: PORTAL_BILLING_LIST_LIMIT })} link={t('statementForOlder')} /> : null}
      </section>

      <section aria-labelledby="history-heading" className="space-y-3">
        <h2 id="history-heading" className="text-lg font-semibold">{t('historyHeading')}</h2>
        {payments.length === 0 ? (
          <EmptyState title={t('historyNone')} />
        ) : (
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface" data-testid="payment-history">
            {payments.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
                <div className="min-w-0">
                  <p className="font-medium">{fmt.dateTime(p.succeededAt ?? p.createdAt, clinic.zone)}</p>
                  <p className="text-sm text-fg-muted">
                    {p.invoices.map((inv) => t('invoiceNumber', { number: invoiceLabel(inv.number) })).join(', ')}
                    {p.refunded > 0 ? ` · ${t('refundedAmount', { amount: money(p.refunded, p.currency) })}` : ''}
                  </p>
                  <Link href={`/portal/billing/payments/${p.id}`} className={textLink}>
                    {p.status === 'succeeded' ? t('viewReceipt', { number: receiptLabel(p.receiptNumber) }) : t('viewPayment')}
                  </Link>
                </div>
                <div className="flex items-center gap-3">
                  <span className="font-semibold tabular-nums">{money(p.amount, p.currency)}</span>
                  <BillingStatusBadge payment={p.status} label={t(`paymentStatus_${p.status}`)} />
                </div>
              </li>
            ))}
          </ul>
        )}
        {morePayments ? <OlderInStatement text={t('historyMore', { count: PORTAL_BILLING_LIST_LIMIT })} link={t('statementForOlder')} /> : null}
      </section>
    </div>
  );
}

/** Below a list cut at the latest ones: where the rest are. */
function OlderInStatement({ text, link }: { text: string; link: string }) {
  return (
    <p className="text-sm text-fg-muted">
      {text} <Link href="/portal/billing/statement" className={textLink}>{link}</Link>
    </p>
  );
}
