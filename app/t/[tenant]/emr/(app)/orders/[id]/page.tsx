import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { OrderStatusBadge } from '@/components/commerce/orders/order-status-badge';
import { AssignOrderForm, CancelOrderForm, MoveOrderForm, OrderNoteForm, RetryPaymentForm } from '@/components/commerce/orders/order-forms';
import { AddShipmentForm, ShipmentStatusForm } from '@/components/commerce/orders/shipment-forms';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { cardOnFileState } from '@/lib/billing/desk';
import { formatMoney } from '@/lib/billing/money';
import { getBillingSettings } from '@/lib/billing/settings';
import { cardBrandLabel, PAYMENT_METHOD_LABELS } from '@/lib/billing/staff-forms';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { ORDER_STATUS_LABELS, PAID_ORDER_STATUSES, UNPAID_ORDER_STATUSES } from '@/lib/commerce/order-status';
import { getOrderForStaff, orderFilterOptions } from '@/lib/commerce/orders-staff';
import { CARRIER_LABELS, SHIPMENT_STATUS_LABELS } from '@/lib/commerce/tracking';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import type { PaymentMethod } from '@/db/schema/billing';
import {
  addOrderNoteAction, addShipmentAction, assignOrderAction, cancelOrderAction, cancelRefundOrderAction, moveOrderAction, retryOrderPaymentAction, shipmentStatusAction,
} from '../actions';

export const metadata: Metadata = { title: 'Order' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const linkClass = 'link';
const KIND_LABELS = { checkout: 'Placed in the shop', renewal: 'Subscription renewal', staff: 'Placed by staff' } as const;
const PAYMENT_STATUS_WORDS: Record<string, string> = { succeeded: 'Paid', failed: 'Failed', canceled: 'Canceled', pending: 'In progress', requires_action: 'Waiting for the bank' };

/**
 * One order (orders.view): patient, lines and totals, the invoice and its payments, the status
 * with the moves staff may make from it, the whole history, assignment, internal notes,
 * requirements and shipments. Changes need orders.manage; charging the card and refunding also
 * billing.manage (the forms say so rather than fail).
 */
export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'orders.view');
  const { id } = await params;
  const db = getDb();
  const order = await getOrderForStaff(db, ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const can = (p: 'orders.manage' | 'billing.view' | 'billing.manage') => ctx.actor.permissions.has(p);
  const manage = can('orders.manage');
  const unpaid = UNPAID_ORDER_STATUSES.includes(order.status);
  const paid = PAID_ORDER_STATUSES.includes(order.status);
  const retryable = manage && unpaid && order.invoice !== null && can('billing.manage');
  const [zone, options, cardState, billing] = await Promise.all([
    clinicTimeZone(db, ctx.tenant.id),
    manage ? orderFilterOptions(db, ctx) : null,
    retryable ? cardOnFileState(db, ctx, order.invoice!.id).catch(() => null) : null,
    retryable ? getBillingSettings(db, ctx.tenant.id) : null,
  ]);
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
  const money = (minor: number) => formatMoney(minor, order.currency);
  const patientName = `${order.patient.firstName} ${order.patient.lastName}`;
  const retryRefusal = !billing?.paymentsEnabled ? 'The clinic does not take card payments: they are turned off under CRM → Billing.' : cardState?.refusal ?? (cardState ? null : 'This order’s invoice cannot be charged.');
  const refundTotal = (order.payments ?? []).filter((p) => p.status === 'succeeded').reduce((s, p) => s + p.amount - p.refunded - p.refundPending, 0);

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="flex flex-wrap gap-x-2 text-sm">
        <Link href="/emr/orders" className={linkClass}>Orders</Link>
        <span aria-hidden>›</span>
        <Link href={`/emr/patients/${order.patient.id}/orders`} className={linkClass}>{patientName}’s orders</Link>
      </nav>

      <header className="rounded-xl border border-line bg-surface p-5">
        <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold">Order {order.label} <OrderStatusBadge order={order.status} label={order.statusLabel} /></h1>
        <p className="mt-1 text-sm">
          <Link href={`/emr/patients/${order.patient.id}`} className={linkClass}>{patientName}</Link> · record {order.patient.recordNumber}
        </p>
        <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm text-fg-muted">
          <div className="flex gap-1"><dt>Placed</dt><dd>{when.format(order.createdAt)}</dd></div>
          <div className="flex gap-1"><dt>How</dt><dd>{KIND_LABELS[order.kind]}</dd></div>
          {order.paidAt ? <div className="flex gap-1"><dt>Paid</dt><dd>{when.format(order.paidAt)}</dd></div> : null}
          {order.requirementsDueAt && order.status === 'awaiting_requirements' ? <div className="flex gap-1"><dt>Requirements due</dt><dd>{when.format(order.requirementsDueAt)}</dd></div> : null}
          {order.cancelReason ? <div className="flex gap-1"><dt>Reason closed</dt><dd>{order.cancelReason}</dd></div> : null}
        </dl>
      </header>

      <section aria-labelledby="lines-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="lines-heading" className="text-lg font-semibold">Items</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">The order’s items and totals</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr><th scope="col" className={th}>Item</th><th scope="col" className={`${th} text-right`}>Quantity</th><th scope="col" className={`${th} text-right`}>Unit price</th><th scope="col" className={`${th} text-right`}>Discount</th><th scope="col" className={`${th} text-right`}>Tax</th><th scope="col" className={`${th} text-right`}>Total</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {order.lines.map((l) => (
                <tr key={l.id}>
                  <td className={td}>{l.description}{l.cycleNumber ? <span className="block text-fg-muted">Cycle {l.cycleNumber}</span> : null}</td>
                  <td className={`${td} text-right tabular-nums`}>{l.quantity}</td>
                  <td className={`${td} text-right tabular-nums`}>{money(l.unitAmount)}</td>
                  <td className={`${td} text-right tabular-nums`}>{l.discountAmount ? `−${money(l.discountAmount)}` : '—'}</td>
                  <td className={`${td} text-right tabular-nums`}>{l.taxAmount ? money(l.taxAmount) : '—'}</td>
                  <td className={`${td} text-right tabular-nums`}>{money(l.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <dl className="ml-auto mt-3 grid max-w-xs grid-cols-2 gap-x-4 gap-y-1 text-sm">
          <dt className="text-fg-muted">Subtotal</dt><dd className="text-right tabular-nums">{money(order.subtotal)}</dd>
          <dt className="text-fg-muted">Discount{order.couponCode ? ` (${order.couponCode})` : ''}</dt><dd className="text-right tabular-nums">{order.discountTotal > 0 ? `−${money(order.discountTotal)}` : money(0)}</dd>
          <dt className="text-fg-muted">Tax</dt><dd className="text-right tabular-nums">{money(order.taxTotal)}</dd>
          <dt className="font-semibold">Total</dt><dd className="text-right font-semibold tabular-nums">{money(order.total)}</dd>
        </dl>
        {order.shipTo ? (
          <div className="mt-3 text-sm">
            <h3 className="font-medium">Ship to</h3>
            <p className="whitespace-pre-line text-fg-muted">{[order.shipTo.name, order.shipTo.line1, order.shipTo.line2, [order.shipTo.city, order.shipTo.region, order.shipTo.postalCode].filter(Boolean).join(' '), order.shipTo.country].filter(Boolean).join('\n')}</p>
          </div>
        ) : null}
      </section>

      <CardSection id="status-heading" title="Status" description={`The order is ${order.statusLabel.toLowerCase()}.`}>
        {manage && order.moves.length > 0 ? (
          <div className="mt-3"><MoveOrderForm action={moveOrderAction} orderId={order.id} moves={order.moves.map((m) => ({ value: m, label: ORDER_STATUS_LABELS[m] }))} /></div>
        ) : null}
        {!manage ? <p className="mt-2 text-sm text-fg-muted">Changing an order needs permission to manage orders.</p> : null}
      </CardSection>

      <CardSection id="payment-heading" title="Payment" description={order.invoice ? undefined : 'This order has no invoice.'}>
        {order.invoice ? (
          <p className="mt-2 text-sm">
            Invoice {can('billing.view') ? <Link href={`/emr/billing/invoices/${order.invoice.id}`} className={linkClass}>{order.invoice.label}</Link> : order.invoice.label}
          </p>
        ) : null}
        {retryable ? (
          <div className="mt-3">
            <RetryPaymentForm
              action={retryOrderPaymentAction} orderId={order.id} attemptKey={randomUUID()} amount={cardState?.amount ?? 0} refusal={retryRefusal}
              description={cardState?.card ? `Charges ${money(cardState.amount)} to the patient’s default card, ${cardBrandLabel(cardState.card.brand)} •••• ${cardState.card.last4}.` : null}
            />
          </div>
        ) : manage && unpaid && order.invoice ? <p className="mt-2 text-sm text-fg-muted">Charging the patient’s card needs permission to take payments.</p> : null}
        {order.payments ? (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Payments of this order’s invoice, newest first</caption>
              <thead className="border-b border-line text-fg-muted">
                <tr><th scope="col" className={th}>Date</th><th scope="col" className={th}>Method</th><th scope="col" className={th}>Status</th><th scope="col" className={th}>Receipt</th><th scope="col" className={`${th} text-right`}>Amount</th><th scope="col" className={`${th} text-right`}>Refunded</th></tr>
              </thead>
              <tbody className="divide-y divide-line">
                {order.payments.map((p) => (
                  <tr key={p.id}>
                    <td className={td}>{when.format(p.at)}</td>
                    <td className={td}>{PAYMENT_METHOD_LABELS[p.method as PaymentMethod] ?? p.method}{p.cardLast4 ? ` (${cardBrandLabel(p.cardBrand ?? 'card')} •••• ${p.cardLast4})` : ''}</td>
                    <td className={td}>{PAYMENT_STATUS_WORDS[p.status] ?? p.status}{p.status === 'failed' && p.failureMessage ? `: ${p.failureMessage}` : ''}</td>
                    <td className={td}>{p.receiptLabel ?? '—'}</td>
                    <td className={`${td} text-right tabular-nums`}>{money(p.allocated)}</td>
                    <td className={`${td} text-right tabular-nums`}>{p.refunded > 0 ? money(p.refunded) : p.refundPending > 0 ? `${money(p.refundPending)} pending` : '—'}</td>
                  </tr>
                ))}
                {order.payments.length === 0 ? <tr><td colSpan={6} className="px-3 py-6 text-center text-fg-muted">No payments yet.</td></tr> : null}
              </tbody>
            </table>
          </div>
        ) : <p className="mt-2 text-sm text-fg-muted">Payments are shown to staff who may see billing.</p>}
        {manage && (unpaid || paid) ? (
          <div className="mt-3">
            <CancelOrderForm
              action={paid ? cancelRefundOrderAction : cancelOrderAction} orderId={order.id} paid={paid} attemptKey={randomUUID()}
              hint={paid
                ? `Refunds ${refundTotal > 0 ? money(refundTotal) : 'what was paid'} to the patient and closes the order as refunded. The patient is told about the refund.`
                : 'Closes the order. Its invoice is voided, so nothing is owed, and its coupon can be used again.'}
            />
          </div>
        ) : null}
      </CardSection>

      {manage && options ? (
        <CardSection id="assign-heading" title="Assignment" description="Who works on this order next: a person with access to orders, a team, or both.">
          <div className="mt-3">
            <AssignOrderForm action={assignOrderAction} orderId={order.id} staff={options.staff} teams={options.teams} current={{ staffId: order.assignedStaff?.id ?? null, team: order.assignedTeam }} />
          </div>
        </CardSection>
      ) : (
        <CardSection id="assign-heading" title="Assignment">
          <p className="mt-2 text-sm">{[order.assignedStaff?.fullName, order.assignedTeam].filter(Boolean).join(' · ') || 'Nobody.'}</p>
        </CardSection>
      )}

      <CardSection id="requirements-heading" title="Requirements" description="What the patient completes after paying: forms and uploads.">
        {order.requirements.length === 0 ? <p className="mt-2 text-sm text-fg-muted">This order has no requirements.</p> : (
          <ul className="mt-3 divide-y divide-line">
            {order.requirements.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  <span className="font-medium">{r.label}</span> <span className="text-fg-muted">({r.kind === 'form' ? 'form' : 'upload'})</span>
                  {r.kind === 'form' && r.formAssignmentId ? <> · <Link href={`/emr/patients/${order.patient.id}/forms/${r.formAssignmentId}`} className={linkClass}>Open the form</Link></> : null}
                  {r.kind === 'upload' && r.documentId ? <> · <Link href={`/emr/patients/${order.patient.id}/documents`} className={linkClass}>In the documents</Link></> : null}
                </span>
                <span className={r.done ? 'font-medium' : 'text-fg-muted'}>{r.done ? 'Done' : 'Waiting for the patient'}</span>
              </li>
            ))}
          </ul>
        )}
      </CardSection>

      <CardSection id="shipments-heading" title="Shipments" description="Packages sent for this order. The patient sees the carrier’s tracking link in the portal and is told when a package ships and when it arrives.">
        {order.shipments.length === 0 ? <p className="mt-2 text-sm text-fg-muted">Nothing shipped yet.</p> : (
          <ul className="mt-3 space-y-3">
            {order.shipments.map((s) => (
              <li key={s.id} className="rounded-lg border border-line p-3">
                <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
                  <span>
                    <span className="font-medium">{CARRIER_LABELS[s.carrier]}</span>{' '}
                    {s.trackingUrl ? <a href={s.trackingUrl} target="_blank" rel="noopener noreferrer" className={`${linkClass} font-mono`}>{s.trackingNumber}<span className="sr-only"> (carrier’s tracking page, opens in a new tab)</span></a> : <span className="font-mono">{s.trackingNumber}</span>}
                  </span>
                  <OrderStatusBadge shipment={s.status} label={SHIPMENT_STATUS_LABELS[s.status]} />
                </div>
                {s.exceptionNote ? <p className="mt-1 text-sm">Exception: {s.exceptionNote}</p> : null}
                <p className="mt-1 text-sm text-fg-muted">Added {when.format(s.createdAt)}{s.deliveredAt ? ` · delivered ${when.format(s.deliveredAt)}` : ''}</p>
                {manage && s.status !== 'delivered' && order.status !== 'cancelled' && order.status !== 'refunded' ? (
                  <div className="mt-3"><ShipmentStatusForm action={shipmentStatusAction} shipmentId={s.id} status={s.status} label={`${CARRIER_LABELS[s.carrier]} ${s.trackingNumber}`} /></div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {manage && (order.status === 'awaiting_fulfilment' || order.status === 'shipped') ? (
          <div className="mt-4">
            <h3 className="font-medium">{order.status === 'shipped' ? 'Add another package' : 'Ship it'}</h3>
            <div className="mt-2"><AddShipmentForm action={addShipmentAction} orderId={order.id} /></div>
          </div>
        ) : null}
      </CardSection>

      <CardSection id="notes-heading" title="Internal notes" description="For staff only; never shown to the patient.">
        {order.notes.length === 0 ? <p className="mt-2 text-sm text-fg-muted">No notes yet.</p> : (
          <ul className="mt-3 divide-y divide-line">
            {order.notes.map((n) => (
              <li key={n.id} className="py-2 text-sm">
                <p className="whitespace-pre-wrap break-words">{n.body}</p>
                <p className="text-fg-muted">{n.staffName ?? 'A staff member'} · {when.format(n.createdAt)}</p>
              </li>
            ))}
          </ul>
        )}
        {manage ? <div className="mt-3"><OrderNoteForm action={addOrderNoteAction} orderId={order.id} /></div> : null}
      </CardSection>

      <section aria-labelledby="history-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="history-heading" className="text-lg font-semibold">History</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Every status of this order, oldest first, with who changed it</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr><th scope="col" className={th}>When</th><th scope="col" className={th}>Status</th><th scope="col" className={th}>By</th><th scope="col" className={th}>Note</th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {order.history.map((h) => (
                <tr key={h.id}>
                  <td className={td}>{when.format(h.occurredAt)}</td>
                  <td className={td}>{h.from ? `${ORDER_STATUS_LABELS[h.from]} → ` : 'Created as '}{ORDER_STATUS_LABELS[h.to]}</td>
                  <td className={td}>{h.actor}</td>
                  <td className={td}>{h.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
