import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { OrderStatusBadge } from '@/components/commerce/orders/order-status-badge';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { listPatientOrders } from '@/lib/commerce/orders-staff';
import { SHIPMENT_STATUS_LABELS } from '@/lib/commerce/tracking';
import { dateTimeFormat } from '@/lib/intl/date-time-format';

export const metadata: Metadata = { title: 'Orders' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const linkClass = 'link';

/** The chart's Orders tab (orders.view): the patient's orders, newest first. */
export default async function PatientOrdersTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'orders.view');
  const { id } = await params;
  const db = getDb();
  const orders = await listPatientOrders(db, ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeZone: await clinicTimeZone(db, ctx.tenant.id) });
  return (
    <section aria-labelledby="orders-heading" className="rounded-xl border border-line bg-surface p-5">
      <h2 id="orders-heading" className="text-lg font-semibold">Orders</h2>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">The patient’s orders, newest first</caption>
          <thead className="border-b border-line text-fg-muted">
            <tr><th scope="col" className={th}>Order</th><th scope="col" className={th}>Placed</th><th scope="col" className={th}>Status</th><th scope="col" className={`${th} text-right`}>Total</th><th scope="col" className={th}>Requirements</th><th scope="col" className={th}>Shipment</th></tr>
          </thead>
          <tbody className="divide-y divide-line">
            {orders.map((o) => (
              <tr key={o.id}>
                <td className={td}><Link href={`/emr/orders/${o.id}`} className={linkClass}>{o.label}</Link></td>
                <td className={td}>{when.format(o.createdAt)}</td>
                <td className={td}><OrderStatusBadge order={o.status} label={o.statusLabel} /></td>
                <td className={`${td} text-right tabular-nums`}>{formatMoney(o.total, o.currency)}</td>
                <td className={`${td} tabular-nums`}>{o.requirements.total === 0 ? '—' : `${o.requirements.done} of ${o.requirements.total} done`}</td>
                <td className={td}>{o.shipmentStatus ? SHIPMENT_STATUS_LABELS[o.shipmentStatus] : '—'}</td>
              </tr>
            ))}
            {orders.length === 0 ? <tr><td colSpan={6} className="px-3 py-6 text-center text-fg-muted">No orders yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
