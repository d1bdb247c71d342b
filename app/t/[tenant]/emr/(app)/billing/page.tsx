import type { Metadata } from 'next';
import Link from 'next/link';
import { InvoiceStatusBadge } from '@/components/billing/emr/invoice-status-badge';
import { DayTotalsTable } from '@/components/billing/emr/day-totals-table';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { invoiceListQuerySchema } from '@/lib/billing/invoice-forms';
import { listClinicInvoices } from '@/lib/billing/invoice-reads';
import { INVOICE_STATUS_LABELS } from '@/lib/billing/invoice-status';
import { formatMoney } from '@/lib/billing/money';
import { dayPaymentsReport, DAY_REPORT_MAX_ROWS } from '@/lib/billing/reports';
import { cardBrandLabel, reportDateOf } from '@/lib/billing/staff-forms';
import { clinicToday } from '@/lib/clinic-forms/reminders';

export const metadata: Metadata = { title: 'Billing' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const linkClass = 'link';
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** /emr/billing (billing.view): the clinic's invoices, and a day's payments per location and method. */
export default async function BillingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'billing.view');
  const raw = await searchParams;
  const db = getDb();
  const query = invoiceListQuerySchema.parse({ status: first(raw.status), page: first(raw.page) });
  const today = await clinicToday(db, ctx.tenant.id);
  const date = reportDateOf(first(raw.date), today);
  const [list, report] = await Promise.all([
    listClinicInvoices(db, ctx, { status: query.status, page: query.page }),
    dayPaymentsReport(db, ctx, date),
  ]);
  const money = (minor: number) => formatMoney(minor, report.currency);
  const href = (params: { status?: string; page?: number; date?: string }) => {
    const search = new URLSearchParams();
    if (params.status) search.set('status', params.status);
    if (params.page && params.page > 1) search.set('page', String(params.page));
    if (params.date && params.date !== today) search.set('date', params.date);
    const text = search.toString();
    return text ? `/emr/billing?${text}` : '/emr/billing';
  };

  return (
    <Page title="Billing" description="The clinic’s invoices and the money taken each day. Open a patient’s chart to invoice them or take a payment.">
      <section aria-labelledby="invoices-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="invoices-heading" className="text-lg font-semibold">Invoices</h2>
        <form method="get" action="/emr/billing" className="mt-3 flex flex-wrap items-end gap-3">
          {date !== today ? <input type="hidden" name="date" value={date} /> : null}
          <div>
            <label htmlFor="status" className="block text-sm font-medium">Status</label>
            <select id="status" name="status" defaultValue={query.status ?? ''} className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5">
              <option value="">All statuses</option>
              {Object.entries(INVOICE_STATUS_LABELS).map(([s, label]) => <option key={s} value={s}>{label}</option>)}
            </select>
          </div>
          <button type="submit" className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Show</button>
        </form>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Invoices{query.status ? ` that are ${INVOICE_STATUS_LABELS[query.status].toLowerCase()}` : ''}, newest first, page {list.page}</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr><th scope="col" className={th}>Number</th><th scope="col" className={th}>Patient</th><th scope="col" className={th}>Status</th><th scope="col" className={th}>Issued</th><th scope="col" className={th}>Due date</th><th scope="col" className={`${th} text-right`}>Total</th><th scope="col" className={`${th} text-right`}>Due</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {list.rows.map((invoice) => (
                <tr key={invoice.id}>
                  <td className={td}><Link href={`/emr/billing/invoices/${invoice.id}`} className={linkClass}>{invoice.label}</Link></td>
                  <td className={td}>
                    <Link href={`/emr/patients/${invoice.patient.id}/billing`} className={linkClass}>{invoice.patient.lastName}, {invoice.patient.firstName}</Link>
                    <span className="block font-mono text-xs text-fg-muted">{invoice.patient.recordNumber}</span>
                  </td>
                  <td className={td}><InvoiceStatusBadge status={invoice.status} overdue={invoice.overdue} /></td>
                  <td className={td}>{invoice.issueDate ?? '—'}</td>
                  <td className={td}>{invoice.dueDate ?? '—'}</td>
                  <td className={`${td} text-right tabular-nums`}>{formatMoney(invoice.total, invoice.currency)}</td>
                  <td className={`${td} text-right tabular-nums`}>{invoice.status === 'draft' ? '—' : formatMoney(invoice.due, invoice.currency)}</td>
                </tr>
              ))}
              {list.rows.length === 0 ? <tr><td colSpan={7} className="px-3 py-6 text-center text-fg-muted">No invoices{query.status ? ' with this status' : ''}.</td></tr> : null}
            </tbody>
          </table>
        </div>
        {list.page > 1 || list.hasMore ? (
          <nav aria-label="Invoice pages" className="mt-3 flex items-center justify-between text-sm">
            {list.page > 1 ? <Link className={linkClass} href={href({ status: query.status, page: list.page - 1, date })}>Newer invoices</Link> : <span />}
            <span className="text-fg-muted">Page {list.page}</span>
            {list.hasMore ? <Link className={linkClass} href={href({ status: query.status, page: list.page + 1, date })}>Older invoices</Link> : <span />}
          </nav>
        ) : null}
      </section>

      <section aria-labelledby="day-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="day-heading" className="text-lg font-semibold">Payments of the day</h2>
        <p className="mt-1 text-sm text-fg-muted">Payments that went through on the day, less refunds made that day, in the clinic’s time ({report.timeZone}).</p>
        <form method="get" action="/emr/billing" className="mt-3 flex flex-wrap items-end gap-3">
          {query.status ? <input type="hidden" name="status" value={query.status} /> : null}
          <div>
            <label htmlFor="date" className="block text-sm font-medium">Day</label>
            <input id="date" type="date" name="date" defaultValue={date} required className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5" />
          </div>
          <button type="submit" className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Show day</button>
          <a href={`/emr/billing/report.csv?date=${date}`} download className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">Export CSV</a>
        </form>

        <p className="mt-4 text-lg">
          Net for {date}: <strong className="tabular-nums">{money(report.total.net)}</strong>
          <span className="text-sm text-fg-muted"> ({money(report.total.payments)} taken, {money(report.total.refunds)} refunded)</span>
        </p>
        <div className="mt-3 grid gap-4 lg:grid-cols-2">
          <DayTotalsTable caption="Totals per location" heading="Location" totals={report.byLocation} currency={report.currency} />
          <DayTotalsTable caption="Totals per method" heading="Method" totals={report.byMethod} currency={report.currency} />
        </div>

        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="text-left font-medium">Payments and refunds on {date}</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr><th scope="col" className={th}>Time</th><th scope="col" className={th}>Kind</th><th scope="col" className={th}>Patient</th><th scope="col" className={th}>Method</th><th scope="col" className={th}>Location</th><th scope="col" className={th}>Receipt</th><th scope="col" className={th}>Reference</th><th scope="col" className={`${th} text-right`}>Amount</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {report.rows.map((row) => (
                <tr key={`${row.kind}-${row.id}`}>
                  <td className={td}>{row.time}</td>
                  <td className={td}>{row.kind === 'payment' ? 'Payment' : 'Refund'}</td>
                  <td className={td}><Link href={`/emr/patients/${row.patient.id}/billing`} className={linkClass}>{row.patient.name}</Link></td>
                  <td className={td}>{row.methodLabel}{row.card ? ` (${cardBrandLabel(row.card.brand)} •••• ${row.card.last4})` : ''}</td>
                  <td className={td}>{row.location.name}</td>
                  <td className={td}>{row.receipt}</td>
                  <td className={td}>{row.reference ?? '—'}</td>
                  <td className={`${td} text-right tabular-nums`}>{formatMoney(row.net, row.currency)}</td>
                </tr>
              ))}
              {report.rows.length === 0 ? <tr><td colSpan={8} className="px-3 py-6 text-center text-fg-muted">No payments or refunds on this day.</td></tr> : null}
            </tbody>
          </table>
          {report.truncated ? <p className="mt-2 text-sm">The day has more than {DAY_REPORT_MAX_ROWS.toLocaleString('en-US')} payments and refunds: only the first {DAY_REPORT_MAX_ROWS.toLocaleString('en-US')} are listed, counted and exported.</p> : null}
        </div>
      </section>
    </Page>
  );
}
