import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { InvoiceStatusBadge } from '@/components/billing/emr/invoice-status-badge';
import { NoShowFeeForm, VisitInvoiceForm } from '@/components/billing/emr/invoice-action-forms';
import { DeskPaymentForm, RefundForm } from '@/components/billing/emr/payment-forms';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { listPatientCards } from '@/lib/billing/cards';
import { CHARGE_PURPOSE_LABELS } from '@/lib/billing/charge-rules';
import { listPatientPayments } from '@/lib/billing/desk';
import { listPatientInvoices } from '@/lib/billing/invoice-reads';
import { formatMoney } from '@/lib/billing/money';
import { invoiceLabel, receiptLabel } from '@/lib/billing/numbering';
import { listBillableVisits } from '@/lib/billing/reports';
import { cardBrandLabel, PAYMENT_METHOD_LABELS } from '@/lib/billing/staff-forms';
import { clinicTimeZone, clinicToday } from '@/lib/clinic-forms/reminders';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { addDays } from '@/lib/scheduling/zoned-time';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { invoiceVisitAction, noShowFeeAction, recordDeskPaymentAction, refundPaymentAction } from '../../../billing/actions';

export const metadata: Metadata = { title: 'Billing' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const linkClass = 'link';
const DONE: Record<string, string> = { deleted: 'The draft was deleted.' };

/**
 * The chart's Billing tab (billing.view): the balance, invoices, visits still to bill, payments
 * with their refunds, saved cards with the patient's authorisation, taking a payment at the desk
 * and the statement. The forms that change money show only with billing.manage.
 */
export default async function PatientBillingTab({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const ctx = await requireStaff('emr', 'billing.view');
  const { id } = await params;
  const { done } = await searchParams;
  const db = getDb();
  const loaded = await Promise.all([
    listPatientInvoices(db, ctx, id),
    listBillableVisits(db, ctx, id),
    listPatientPayments(db, ctx, id),
    listPatientCards(db, ctx, id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const [{ invoices, balance, currency }, visits, payments, cards] = loaded;
  const [zone, today, profile] = await Promise.all([clinicTimeZone(db, ctx.tenant.id), clinicToday(db, ctx.tenant.id), getTenantProfile(ctx.tenant.id)]);
  const canManage = ctx.actor.permissions.has('billing.manage');
  const day = dateTimeFormat('en-US', { dateStyle: 'medium', timeZone: zone });
  const money = (minor: number) => formatMoney(minor, currency);
  const payable = invoices
    .filter((i) => (i.status === 'open' || i.status === 'partially_paid') && i.due > 0)
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
    .map((i) => ({ id: i.id, label: i.label, due: i.due, dueDate: i.dueDate }));
  const locations = (profile?.locations ?? []).map((l) => ({ id: l.id, name: l.name }));

  return (
    <div className="space-y-4">
      {done && DONE[done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{DONE[done]}</p> : null}

      <CardSection id="balance-heading" title="Balance">
        <p className="mt-2 text-3xl font-semibold tabular-nums">{money(balance)}</p>
        <p className="mt-1 text-sm text-fg-muted">
          {balance > 0 ? 'The patient owes the clinic this amount.' : balance < 0 ? 'The clinic owes the patient this amount (a credit).' : 'Nothing is owed.'}
        </p>
      </CardSection>

      <section aria-labelledby="invoices-heading" className="rounded-xl border border-line bg-surface p-5">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="invoices-heading" className="text-lg font-semibold">Invoices</h2>
          {canManage ? (
            <Link href={`/emr/billing/invoices/new?patient=${id}`} className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">New invoice</Link>
          ) : null}
        </div>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">The patient’s invoices, newest first</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr><th scope="col" className={th}>Number</th><th scope="col" className={th}>Status</th><th scope="col" className={th}>Issued</th><th scope="col" className={th}>Due date</th><th scope="col" className={`${th} text-right`}>Total</th><th scope="col" className={`${th} text-right`}>Due</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {invoices.map((invoice) => (
                <tr key={invoice.id}>
                  <td className={td}><Link href={`/emr/billing/invoices/${invoice.id}`} className={linkClass}>{invoice.label}</Link></td>
                  <td className={td}><InvoiceStatusBadge status={invoice.status} overdue={invoice.overdue} /></td>
                  <td className={td}>{invoice.issueDate ?? '—'}</td>
                  <td className={td}>{invoice.dueDate ?? '—'}</td>
                  <td className={`${td} text-right tabular-nums`}>{money(invoice.total)}</td>
                  <td className={`${td} text-right tabular-nums`}>{invoice.status === 'draft' ? '—' : money(invoice.due)}</td>
                </tr>
              ))}
              {invoices.length === 0 ? <tr><td colSpan={6} className="px-3 py-6 text-center text-fg-muted">No invoices yet.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </section>

      <CardSection id="visits-heading" title="Visits to bill" description="Completed visits and no-shows that have no invoice yet. Each makes a draft to check and send.">
        {visits.length === 0 ? (
          <p className="mt-3 text-sm text-fg-muted">Every completed visit and no-show has an invoice.</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {visits.map((visit) => {
              const label = `${visit.serviceName} on ${visit.date}`;
              return (
                <li key={visit.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
                  <div>
                    <p className="font-medium">{visit.serviceName}</p>
                    <p className="text-sm text-fg-muted">
                      {day.format(visit.startsAt)}{visit.locationName ? ` · ${visit.locationName}` : ''} · {visit.status === 'no_show' ? 'No-show' : 'Completed'}
                      {visit.status === 'completed' ? ` · ${visit.price ? formatMoney(visit.price.amount, visit.price.currency) : 'no price'}` : ''}
                    </p>
                  </div>
                  {canManage ? (
                    visit.status === 'completed'
                      ? <VisitInvoiceForm action={invoiceVisitAction} appointmentId={visit.id} label={label} />
                      : <NoShowFeeForm action={noShowFeeAction} appointmentId={visit.id} currency={currency} defaultAmount="" label={label} />
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </CardSection>

      <section aria-labelledby="payments-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="payments-heading" className="text-lg font-semibold">Payments</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">The patient’s payments, newest first, with what was refunded</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr><th scope="col" className={th}>Date</th><th scope="col" className={th}>Method</th><th scope="col" className={th}>Card</th><th scope="col" className={th}>Invoices</th><th scope="col" className={`${th} text-right`}>Amount</th><th scope="col" className={`${th} text-right`}>Refunded</th><th scope="col" className={th}>Receipt</th><th scope="col" className={th}>Refund</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {payments.map((payment) => (
                <tr key={payment.id}>
                  <td className={td}>{day.format(payment.succeededAt ?? payment.createdAt)}</td>
                  <td className={td}>
                    {PAYMENT_METHOD_LABELS[payment.method]}
                    {payment.status !== 'succeeded' ? <span className="block text-fg-muted">{payment.status === 'failed' ? `Failed: ${payment.failureMessage ?? 'declined'}` : 'In progress'}</span> : null}
                  </td>
                  <td className={td}>{payment.cardLast4 ? `${cardBrandLabel(payment.cardBrand ?? 'card')} •••• ${payment.cardLast4}` : '—'}</td>
                  <td className={td}>{payment.invoices.map((i) => invoiceLabel(i.number)).join(', ') || '—'}</td>
                  <td className={`${td} text-right tabular-nums`}>{formatMoney(payment.amount, payment.currency)}</td>
                  <td className={`${td} text-right tabular-nums`}>{payment.refunded > 0 ? formatMoney(payment.refunded, payment.currency) : '—'}</td>
                  <td className={td}>{receiptLabel(payment.receiptNumber)}</td>
                  <td className={td}>
                    {canManage && payment.status === 'succeeded' && (payment.refundable > 0 || payment.refunded >= payment.amount) ? (
                      <details>
                        <summary className="cursor-pointer link">Refund</summary>
                        <div className="mt-2 w-72 max-w-full">
                          <RefundForm
                            action={refundPaymentAction} paymentId={payment.id} currency={payment.currency} attemptKey={randomUUID()} refundable={payment.refundable}
                            paymentLabel={`${receiptLabel(payment.receiptNumber)} of ${formatMoney(payment.amount, payment.currency)}`}
                          />
                        </div>
                      </details>
                    ) : payment.status === 'succeeded' && payment.refundable === 0 && payment.refunded < payment.amount ? 'Refund in progress' : '—'}
                  </td>
                </tr>
              ))}
              {payments.length === 0 ? <tr><td colSpan={8} className="px-3 py-6 text-center text-fg-muted">No payments yet.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </section>

      <CardSection id="cards-heading" title="Saved cards" description="Cards the patient saved in the portal and what they authorised the clinic to charge. Only the patient can change these.">
        {cards.length === 0 ? (
          <p className="mt-3 text-sm text-fg-muted">The patient has no saved card.</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {cards.map((card) => (
              <li key={card.id} className="py-3 text-sm">
                <p className="font-medium">
                  {cardBrandLabel(card.brand)} •••• {card.last4}, expires {String(card.expMonth).padStart(2, '0')}/{card.expYear}{card.isDefault ? ' · default card' : ''}
                </p>
                {card.authorization ? (
                  <dl className="mt-1 grid gap-x-4 gap-y-1 text-fg-muted sm:grid-cols-[max-content_1fr]">
                    <dt>Covers</dt><dd>{card.authorization.scopes.map((s) => CHARGE_PURPOSE_LABELS[s]).join('; ')}</dd>
                    <dt>Limit per charge</dt><dd>{card.authorization.maxAmount === null ? 'No limit' : money(card.authorization.maxAmount)}</dd>
                    <dt>Authorised since</dt><dd>{day.format(card.authorization.grantedAt)}</dd>
                  </dl>
                ) : (
                  <p className="mt-1 text-fg-muted">Not authorised: the clinic cannot charge this card without the patient.</p>
                )}
              </li>
            ))}
          </ul>
        )}
      </CardSection>

      {canManage ? (
        <CardSection id="record-payment-heading" title="Record a payment" description="Money taken at the desk: cash, the card terminal or a check.">
          <div className="mt-3">
            <DeskPaymentForm
              action={recordDeskPaymentAction} patientId={id} currency={currency} attemptKey={randomUUID()} invoices={payable}
              locations={locations} defaultLocationId={locations.length === 1 ? locations[0]!.id : null}
            />
          </div>
        </CardSection>
      ) : null}

      <CardSection id="statement-heading" title="Statement" description="The balance at the start, every charge, payment and refund with the balance after it, and the balance at the end. Printable.">
        <form action={`/emr/patients/${id}/billing/statement`} method="get" className="mt-3 flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="statement-from" className="block text-sm font-medium">First day</label>
            <input id="statement-from" type="date" name="from" defaultValue={addDays(today, -90)} required className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5" />
          </div>
          <div>
            <label htmlFor="statement-to" className="block text-sm font-medium">Last day</label>
            <input id="statement-to" type="date" name="to" defaultValue={today} required className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5" />
          </div>
          <button type="submit" className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Show statement</button>
        </form>
      </CardSection>
    </div>
  );
}
