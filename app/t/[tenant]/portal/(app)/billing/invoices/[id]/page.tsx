import type { Metadata } from 'next';
import Link from 'next/link';
import { BillingStatusBadge } from '@/components/billing/portal/status-badge';
import { LineItem, TotalsList, type TotalRow } from '@/components/portal/line-items';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { getPortalInvoice } from '@/lib/billing/invoice-reads';
import { formatMoney } from '@/lib/billing/money';
import { brandName } from '@/lib/billing/pdf';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { getPortalI18n } from '@/lib/i18n/portal';
import { clinicOf, linkButton, orNotFound, secondaryLink, textLink } from '../../billing-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(billing);
  return { title: t('title') };
}

/**
 * One invoice of the selected patient (issue 16 point 4): number, dates, lines with quantity,
 * unit price, discount and tax, the totals, what was paid and is due, the clinic's footer and tax
 * id; Pay while something is due, and the PDF. A phone shows each line as a block; wider
 * screens a table.
 */
export default async function PortalInvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const portal = await requirePortalPatient('billing');
  const { t, fmt, locale } = await getPortalI18n(billing);
  const { id } = await params;
  const [invoice, clinic] = await Promise.all([orNotFound(getPortalInvoice(getDb(), portal, id)), clinicOf(portal)]);
  const money = (minor: number) => formatMoney(minor, invoice.currency, INTL_LOCALE[locale]);
  const due = Math.max(0, invoice.sums.due - invoice.held);
  const adjusted = invoice.sums.charged !== invoice.total && invoice.status !== 'void' && invoice.status !== 'uncollectible';
  const totals: TotalRow[] = [[t('subtotal'), money(invoice.subtotal), false]];
  if (invoice.discountTotal > 0) totals.push([t('discounts'), money(-invoice.discountTotal), false]);
  if (invoice.taxTotal > 0) totals.push([t('tax'), money(invoice.taxTotal), false]);
  totals.push([t('total'), money(invoice.total), true]);
  if (adjusted) totals.push([t('adjustments'), money(invoice.sums.charged - invoice.total), false]);
  totals.push([t('amountPaid'), money(invoice.sums.paid), false]);
  totals.push([t('amountDue'), money(Math.max(0, invoice.sums.due)), true]);

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <p><Link href="/portal/billing" className={textLink}>{t('backToBilling')}</Link></p>
      <header className="space-y-2">
        <p className="text-fg-muted">{clinic.name}</p>
        <h1 className="text-2xl font-semibold">{t('invoiceNumber', { number: invoice.label })}</h1>
        <BillingStatusBadge invoice={invoice.status} overdue={invoice.overdue} label={invoice.overdue ? t('overdue') : t(`status_${invoice.status}`)} />
      </header>

      <dl className="grid gap-3 rounded-xl border border-line bg-surface p-4 text-sm sm:grid-cols-2">
        <div><dt className="text-fg-muted">{t('billedToTerm')}</dt><dd className="font-medium">{invoice.patient.firstName} {invoice.patient.lastName}</dd></div>
        {invoice.issueDate ? <div><dt className="text-fg-muted">{t('issuedTerm')}</dt><dd className="font-medium">{fmt.calendarDate(invoice.issueDate)}</dd></div> : null}
        {invoice.dueDate ? <div><dt className="text-fg-muted">{t('dueDateTerm')}</dt><dd className="font-medium">{fmt.calendarDate(invoice.dueDate)}</dd></div> : null}
        {invoice.location ? <div><dt className="text-fg-muted">{t('locationTerm')}</dt><dd className="font-medium">{invoice.location.name}</dd></div> : null}
      </dl>

      <section aria-labelledby="items-heading" className="space-y-2">
        <h2 id="items-heading" className="text-lg font-semibold">{t('itemsHeading')}</h2>
        {/* Phone: one block a line (no sideways scroll at 390 px). */}
        <ul className="divide-y divide-line rounded-xl border border-line bg-surface sm:hidden">
          {invoice.lines.map((line) => (
            <LineItem key={line.id} description={line.description} amount={money(line.total)} details={[
              t('quantityOf', { quantity: line.quantity, price: money(line.unitAmount) }),
              line.discountAmount > 0 ? `${t('colDiscount')}: ${money(-line.discountAmount)}` : null,
              line.taxAmount > 0 ? `${t('colTax')}: ${money(line.taxAmount)}` : null,
            ]} />
          ))}
        </ul>
        <table className="hidden w-full rounded-xl border border-line bg-surface text-sm sm:table">
          <thead>
            <tr className="border-b border-line text-left">
              <th scope="col" className="p-3">{t('colDescription')}</th>
              <th scope="col" className="p-3 text-right">{t('colQuantity')}</th>
              <th scope="col" className="p-3 text-right">{t('colUnitPrice')}</th>
              <th scope="col" className="p-3 text-right">{t('colDiscount')}</th>
              <th scope="col" className="p-3 text-right">{t('colTax')}</th>
              <th scope="col" className="p-3 text-right">{t('colAmount')}</th>
            </tr>
          </thead>
          <tbody>
            {invoice.lines.map((line) => (
              <tr key={line.id} className="border-b border-line last:border-0">
                <td className="break-words p-3">{line.description}</td>
                <td className="p-3 text-right tabular-nums">{line.quantity}</td>
                <td className="p-3 text-right tabular-nums">{money(line.unitAmount)}</td>
                <td className="p-3 text-right tabular-nums">{line.discountAmount > 0 ? money(-line.discountAmount) : ''}</td>
                <td className="p-3 text-right tabular-nums">{line.taxAmount > 0 ? money(line.taxAmount) : ''}</td>
                <td className="p-3 text-right font-medium tabular-nums">{money(line.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <TotalsList rows={totals} testId="invoice-totals" />
        {invoice.held > 0 ? <p role="status" className="text-sm text-fg-muted">{t('heldNote', { amount: money(invoice.held) })}</p> : null}
      </section>

      <div className="flex flex-col gap-3 sm:flex-row">
        {invoice.payable ? (
          // A full page load (not a client navigation): the pay page's own CSP lets Stripe in (lib/security/headers.ts).
          <a href={`/portal/billing/pay?invoice=${invoice.id}`} className={linkButton} data-testid="pay-invoice">{t('payInvoice', { amount: money(due) })}</a>
        ) : null}
        <a href={`/portal/billing/invoices/${invoice.id}/pdf`} className={secondaryLink} data-testid="invoice-pdf">{t('downloadPdf')}</a>
      </div>

      {invoice.payments.length > 0 ? (
        <section aria-labelledby="payments-heading" className="space-y-2">
          <h2 id="payments-heading" className="text-lg font-semibold">{t('paymentsHeading')}</h2>
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {invoice.payments.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 p-3 text-sm">
                <div>
                  <p className="font-medium">{fmt.dateTime(p.succeededAt ?? p.createdAt, clinic.zone)}</p>
                  <p className="text-fg-muted">
                    {t(`method_${p.method}`)}{p.cardBrand && p.cardLast4 ? ` · ${t('cardEnding', { brand: brandName(p.cardBrand), last4: p.cardLast4 })}` : ''}
                    {p.refunded > 0 ? ` · ${t('refundedAmount', { amount: money(p.refunded) })}` : ''}
                  </p>
                  {p.status === 'succeeded' ? <Link href={`/portal/billing/payments/${p.id}`} className={textLink}>{t('viewReceipt', { number: p.receiptLabel })}</Link> : null}
                </div>
                <div className="flex items-center gap-3">
                  <span className="font-semibold tabular-nums">{money(p.allocated)}</span>
                  <BillingStatusBadge payment={p.status} label={t(`paymentStatus_${p.status}`)} />
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {invoice.note ? (
        <section aria-labelledby="note-heading" className="rounded-xl border border-line bg-surface p-4">
          <h2 id="note-heading" className="font-semibold">{t('noteHeading')}</h2>
          <p className="mt-1 whitespace-pre-wrap break-words">{invoice.note}</p>
        </section>
      ) : null}

      {invoice.clinic.footer || invoice.clinic.taxId ? (
        <footer className="border-t border-line pt-3 text-sm text-fg-muted">
          {invoice.clinic.footer ? <p className="whitespace-pre-wrap">{invoice.clinic.footer}</p> : null}
          {invoice.clinic.taxId ? <p>{t('taxIdLine', { taxId: invoice.clinic.taxId })}</p> : null}
        </footer>
      ) : null}
    </div>
  );
}
