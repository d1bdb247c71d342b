import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { InvoiceEditor } from '@/components/billing/emr/invoice-editor';
import { AdjustInvoiceForm, CloseInvoiceForm, DeleteDraftForm, SendInvoiceForm } from '@/components/billing/emr/invoice-action-forms';
import { InvoiceStatusBadge } from '@/components/billing/emr/invoice-status-badge';
import { ChargeCardForm, DeskPaymentForm } from '@/components/billing/emr/payment-forms';
import { PrintButton } from '@/components/emr/print-button';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { cardOnFileState } from '@/lib/billing/desk';
import { INVOICE_LINE_KIND_LABELS } from '@/lib/billing/invoice-forms';
import { getInvoice } from '@/lib/billing/invoice-reads';
import { formatMoney } from '@/lib/billing/money';
import { invoiceFormOptions } from '@/lib/billing/reports';
import { getBillingSettings } from '@/lib/billing/settings';
import { basisPointsToPercent } from '@/lib/billing/settings-forms';
import { cardBrandLabel, PAYMENT_METHOD_LABELS } from '@/lib/billing/staff-forms';
import { LEDGER_KIND_LABELS } from '@/lib/billing/statements';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import {
  adjustInvoiceAction, chargeCardOnFileAction, deleteDraftAction, recordDeskPaymentAction, sendInvoiceAction, updateInvoiceAction,
  voidInvoiceAction, writeOffInvoiceAction,
} from '../../actions';

export const metadata: Metadata = { title: 'Invoice' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const DONE: Record<string, string> = {
  created: 'Draft saved. Check it, then send it to the patient.',
  sent: 'Sent. The patient is told it is in the portal, where they can pay it.',
  'sent-zero': 'Sent. It comes to nothing, so it is already paid.',
};

/**
 * One invoice (billing.view). A draft is edited, sent or deleted; a sent one shows its lines,
 * payments and history, and (billing.manage) takes a payment, charges the card on file when the
 * patient's authorisation allows it, and is adjusted, voided or written off.
 */
export default async function InvoicePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const ctx = await requireStaff('emr', 'billing.view');
  const { id } = await params;
  const { done } = await searchParams;
  const db = getDb();
  const invoice = await getInvoice(db, ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const canManage = ctx.actor.permissions.has('billing.manage');
  const open = invoice.status === 'open' || invoice.status === 'partially_paid';
  const [zone, profile, options, cardState, settings] = await Promise.all([
    clinicTimeZone(db, ctx.tenant.id),
    getTenantProfile(ctx.tenant.id),
    invoice.status === 'draft' && canManage ? invoiceFormOptions(db, ctx) : null,
    open ? cardOnFileState(db, ctx, invoice.id) : null,
    getBillingSettings(db, ctx.tenant.id),
  ]);
  // With card payments turned off the server refuses the charge too (gatewayFor); say so before the click.
  const cardRefusal = settings.paymentsEnabled ? cardState?.refusal ?? null : 'The clinic does not take card payments: they are turned off under CRM → Billing.';
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
  const locations = (profile?.locations ?? []).map((l) => ({ id: l.id, name: l.name }));
  const payableNow = invoice.sums.due - invoice.held;
  const patientName = `${invoice.patient.firstName} ${invoice.patient.lastName}`;

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="flex flex-wrap gap-x-2 text-sm print:hidden">
        <Link href="/emr/billing" className="link">Billing</Link>
        <span aria-hidden>›</span>
        <Link href={`/emr/patients/${invoice.patient.id}/billing`} className="link">{patientName}’s billing</Link>
      </nav>
      {done && DONE[done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm print:hidden">{DONE[done]}</p> : null}

      <header className="flex flex-wrap items-start justify-between gap-3 rounded-xl border border-line bg-surface p-5 print:border-0 print:p-0">
        <div>
          <p className="text-sm text-fg-muted">{profile?.branding.displayName ?? ctx.tenant.name}{invoice.clinic.taxId ? ` · Tax ID ${invoice.clinic.taxId}` : ''}</p>
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold">
            {invoice.status === 'draft' ? 'Draft invoice' : `Invoice ${invoice.label}`}
            <InvoiceStatusBadge status={invoice.status} overdue={invoice.overdue} />
          </h1>
          <p className="mt-1 text-sm">{patientName} · record {invoice.patient.recordNumber}</p>
          <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm text-fg-muted">
            <div className="flex gap-1"><dt>Issued</dt><dd>{invoice.issueDate ?? 'not yet'}</dd></div>
            <div className="flex gap-1"><dt>Due</dt><dd>{invoice.dueDate ?? 'by the clinic’s payment terms'}</dd></div>
            {invoice.location ? <div className="flex gap-1"><dt>Location</dt><dd>{invoice.location.name}</dd></div> : null}
          </dl>
        </div>
        {invoice.status !== 'draft' ? (
          <div className="flex flex-wrap items-center gap-3 print:hidden">
            <PrintButton />
            <a href={`/emr/billing/invoices/${invoice.id}/pdf`} className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Download PDF</a>
          </div>
        ) : null}
      </header>

      {invoice.status === 'draft' ? (
        canManage && options ? (
          <>
            <CardSection id="draft-heading" title="Lines and details" description="Amounts are worked out when the draft is saved; sending uses what was saved last.">
              <div className="mt-3">
                <InvoiceEditor
                  action={updateInvoiceAction}
                  target={{ mode: 'update', invoiceId: invoice.id }}
                  currency={invoice.currency}
                  lines={invoice.lines}
                  services={options.services}
                  locations={locations}
                  defaultTaxRateBp={options.defaultTaxRateBp}
                  values={{ dueDate: invoice.dueDate, note: invoice.note, locationId: invoice.location?.id ?? null }}
                  submitLabel="Save draft"
                />
              </div>
            </CardSection>
            <CardSection id="send-heading" title="Send" description={`Sending numbers the invoice, dates it today and adds ${money(invoice.total)} to what the patient owes. The patient is told it is in the portal.`}>
              <div className="mt-3 flex flex-wrap items-start gap-3">
                <SendInvoiceForm action={sendInvoiceAction} invoiceId={invoice.id} />
                <DeleteDraftForm action={deleteDraftAction} invoiceId={invoice.id} patientId={invoice.patient.id} />
              </div>
            </CardSection>
          </>
        ) : (
          <LinesTable invoice={invoice} money={money} />
        )
      ) : (
        <>
          <LinesTable invoice={invoice} money={money} />
          {invoice.status === 'void' || invoice.status === 'uncollectible' ? (
            <p className="rounded-lg border border-line bg-surface-muted px-3 py-2 text-sm">
              {invoice.status === 'void' ? 'Voided' : 'Written off'}{invoice.voidReason ? `: ${invoice.voidReason}` : '.'}
            </p>
          ) : null}

          {/* Shown for a paid invoice too: paying it here keeps the form's answer on the page. */}
          {canManage && (open || invoice.status === 'paid') ? (
            <CardSection id="card-heading" title="Card on file" description="Charges what is due to the patient’s default saved card, when their authorisation covers it.">
              <div className="mt-3">
                <ChargeCardForm
                  action={chargeCardOnFileAction} invoiceId={invoice.id} attemptKey={randomUUID()} amount={cardState?.amount ?? 0} currency={invoice.currency}
                  card={cardState?.card ? { brand: cardState.card.brand, last4: cardState.card.last4 } : null} refusal={cardRefusal} settled={!open}
                />
              </div>
            </CardSection>
          ) : null}

          {canManage && (open || invoice.status === 'paid') ? (
            <CardSection id="record-payment-heading" title="Record a payment" description="Money taken at the desk for this invoice: cash, the card terminal or a check.">
              <div className="mt-3">
                {open && payableNow <= 0 ? (
                  <p className="text-sm">A payment of this invoice is still being processed.</p>
                ) : (
                  <DeskPaymentForm
                    action={recordDeskPaymentAction} patientId={invoice.patient.id} currency={invoice.currency} attemptKey={randomUUID()}
                    invoices={open ? [{ id: invoice.id, label: invoice.label, due: payableNow, dueDate: invoice.dueDate }] : []}
                    locations={locations} defaultLocationId={invoice.location?.id ?? (locations.length === 1 ? locations[0]!.id : null)}
                  />
                )}
              </div>
            </CardSection>
          ) : null}

          <section aria-labelledby="payments-heading" className="rounded-xl border border-line bg-surface p-5">
            <h2 id="payments-heading" className="text-lg font-semibold">Payments</h2>
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Payments of this invoice</caption>
                <thead className="border-b border-line text-fg-muted">
                  <tr><th scope="col" className={th}>Date</th><th scope="col" className={th}>Method</th><th scope="col" className={th}>Status</th><th scope="col" className={th}>Receipt</th><th scope="col" className={`${th} text-right`}>For this invoice</th><th scope="col" className={`${th} text-right`}>Refunded</th></tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {invoice.payments.map((p) => (
                    <tr key={p.id}>
                      <td className={td}>{when.format(p.succeededAt ?? p.createdAt)}</td>
                      <td className={td}>
                        {PAYMENT_METHOD_LABELS[p.method]}{p.cardLast4 ? ` (${cardBrandLabel(p.cardBrand ?? 'card')} •••• ${p.cardLast4})` : ''}
                        {p.reference ? <span className="block text-fg-muted">Ref. {p.reference}</span> : null}
                      </td>
                      <td className={td}>{p.status === 'succeeded' ? 'Paid' : p.status === 'failed' ? `Failed: ${p.failureMessage ?? 'declined'}` : p.status === 'canceled' ? 'Canceled' : 'In progress'}</td>
                      <td className={td}>{p.receiptLabel}</td>
                      <td className={`${td} text-right tabular-nums`}>{money(p.allocated)}</td>
                      <td className={`${td} text-right tabular-nums`}>{p.refunded > 0 ? money(p.refunded) : '—'}</td>
                    </tr>
                  ))}
                  {invoice.payments.length === 0 ? <tr><td colSpan={6} className="px-3 py-6 text-center text-fg-muted">No payments yet.</td></tr> : null}
                </tbody>
              </table>
            </div>
            <p className="mt-2 text-sm text-fg-muted print:hidden">
              Refunds are made from the payment on <Link href={`/emr/patients/${invoice.patient.id}/billing`} className="link">the patient’s billing</Link>.
            </p>
          </section>

          {canManage && open ? (
            <section aria-label="Change the invoice" className="grid gap-3 print:hidden">
              <AdjustInvoiceForm action={adjustInvoiceAction} invoiceId={invoice.id} currency={invoice.currency} />
              <CloseInvoiceForm action={voidInvoiceAction} invoiceId={invoice.id} kind="void" refusal={invoice.refusals.void} />
              <CloseInvoiceForm action={writeOffInvoiceAction} invoiceId={invoice.id} kind="write_off" refusal={invoice.refusals.write_off} />
            </section>
          ) : null}

          <section aria-labelledby="history-heading" className="rounded-xl border border-line bg-surface p-5 print:hidden">
            <h2 id="history-heading" className="text-lg font-semibold">History</h2>
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Every entry of this invoice in the ledger, oldest first</caption>
                <thead className="border-b border-line text-fg-muted">
                  <tr><th scope="col" className={th}>When</th><th scope="col" className={th}>Entry</th><th scope="col" className={th}>Memo</th><th scope="col" className={`${th} text-right`}>Amount</th></tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {invoice.entries.map((e) => (
                    <tr key={e.id}>
                      <td className={td}>{when.format(e.occurredAt)}</td>
                      <td className={td}>{LEDGER_KIND_LABELS[e.kind]}</td>
                      <td className={td}>{e.memo ?? ''}</td>
                      <td className={`${td} text-right tabular-nums`}>{money(e.amount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
      {invoice.clinic.footer ? <p className="whitespace-pre-wrap text-sm text-fg-muted">{invoice.clinic.footer}</p> : null}
    </div>
  );
}

type Invoice = Awaited<ReturnType<typeof getInvoice>>;

/** The invoice's lines, totals and (once sent) what was paid and what is still due. */
function LinesTable({ invoice, money }: { invoice: Invoice; money: (minor: number) => string }) {
  const sent = invoice.status !== 'draft';
  return (
    <section aria-labelledby="lines-heading" className="rounded-xl border border-line bg-surface p-5 print:border-0 print:p-0">
      <h2 id="lines-heading" className="text-lg font-semibold">Lines</h2>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">The invoice’s lines and totals</caption>
          <thead className="border-b border-line text-fg-muted">
            <tr><th scope="col" className={th}>Description</th><th scope="col" className={th}>Kind</th><th scope="col" className={`${th} text-right`}>Quantity</th><th scope="col" className={`${th} text-right`}>Unit price</th><th scope="col" className={`${th} text-right`}>Discount</th><th scope="col" className={`${th} text-right`}>Tax</th><th scope="col" className={`${th} text-right`}>Total</th></tr>
          </thead>
          <tbody className="divide-y divide-line">
            {invoice.lines.map((l) => (
              <tr key={l.id}>
                <td className={td}>{l.description}</td>
                <td className={td}>{INVOICE_LINE_KIND_LABELS[l.kind]}</td>
                <td className={`${td} text-right tabular-nums`}>{l.quantity}</td>
                <td className={`${td} text-right tabular-nums`}>{money(l.unitAmount)}</td>
                <td className={`${td} text-right tabular-nums`}>{l.discountAmount ? `−${money(l.discountAmount)}` : '—'}</td>
                <td className={`${td} text-right tabular-nums`}>{l.taxRateBp ? `${money(l.taxAmount)} (${basisPointsToPercent(l.taxRateBp)} %)` : '—'}</td>
                <td className={`${td} text-right tabular-nums`}>{money(l.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="ml-auto mt-3 grid max-w-xs grid-cols-2 gap-x-4 gap-y-1 text-sm">
        <dt className="text-fg-muted">Subtotal</dt><dd className="text-right tabular-nums">{money(invoice.subtotal)}</dd>
        <dt className="text-fg-muted">Discounts</dt><dd className="text-right tabular-nums">{invoice.discountTotal > 0 ? `−${money(invoice.discountTotal)}` : money(0)}</dd>
        <dt className="text-fg-muted">Tax</dt><dd className="text-right tabular-nums">{money(invoice.taxTotal)}</dd>
        <dt className="font-semibold">Total</dt><dd className="text-right font-semibold tabular-nums">{money(invoice.total)}</dd>
        {sent && invoice.sums.charged !== invoice.total ? (<><dt className="text-fg-muted">After adjustments</dt><dd className="text-right tabular-nums">{money(invoice.sums.charged)}</dd></>) : null}
        {sent ? (<><dt className="text-fg-muted">Paid</dt><dd className="text-right tabular-nums">{money(invoice.sums.paid)}</dd></>) : null}
        {sent ? (<><dt className="font-semibold">Due</dt><dd className="text-right font-semibold tabular-nums">{money(invoice.sums.due)}</dd></>) : null}
      </dl>
      {invoice.note ? <p className="mt-3 whitespace-pre-wrap text-sm">{invoice.note}</p> : null}
    </section>
  );
}
