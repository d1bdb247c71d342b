import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderStatusBadge } from '@/components/commerce/orders/order-status-badge';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { assigneeFilterValue, ORDER_STATUSES, ORDER_VIEW_LABELS, ORDER_VIEWS, orderListQuery, type OrderListQuery, type OrderView } from '@/lib/commerce/order-forms';
import { ORDER_STATUS_LABELS } from '@/lib/commerce/order-status';
import { listClinicOrders } from '@/lib/commerce/orders-staff';
import { SHIPMENT_STATUS_LABELS } from '@/lib/commerce/tracking';
import { dateTimeFormat } from '@/lib/intl/date-time-format';

export const metadata: Metadata = { title: 'Orders' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const linkClass = 'link';
const control = 'mt-1 block rounded-lg border border-line bg-surface px-3 py-2.5';

/** The URL of the list with these filters (only what is set). */
function hrefOf(q: OrderListQuery, change: Partial<OrderListQuery>): string {
  const next = { ...q, page: 1, ...change };
  const search = new URLSearchParams();
  if (next.view !== 'all') search.set('view', next.view);
  if (next.status) search.set('status', next.status);
  if (next.assignee) search.set('assignee', assigneeFilterValue(next.assignee));
  if (next.productId) search.set('product', next.productId);
  if (next.from) search.set('from', next.from);
  if (next.to) search.set('to', next.to);
  if (next.page > 1) search.set('page', String(next.page));
  const text = search.toString();
  return text ? `/emr/orders?${text}` : '/emr/orders';
}

/**
 * /emr/orders (orders.view): the clinic's orders with filters, and the "Needs attention" view
 * (failed payments, requirements overdue, shipment exceptions, review waiting more than two
 * days) with a count on each tab. Filters are a GET form, so they work without JavaScript and
 * the URL can be shared.
 */
export default async function OrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'orders.view');
  const db = getDb();
  const query = orderListQuery(await searchParams);
  const list = await listClinicOrders(db, ctx, query);
  const options = list.filterOptions;
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: list.timeZone });
  const canManage = ctx.actor.permissions.has('orders.manage');
  const attentionViews = ORDER_VIEWS.filter((v) => v !== 'all' && v !== 'attention');
  const tab = (view: OrderView) => {
    const current = query.view === view;
    return (
      <li key={view}>
        <Link
          href={hrefOf(query, { view })} aria-current={current ? 'page' : undefined}
          className={`inline-flex min-h-11 items-center gap-2 rounded-lg border px-3 text-sm ${current ? 'border-brand-accent bg-brand-soft font-semibold' : 'border-line font-medium hover:bg-surface-muted'}`}
        >
          {ORDER_VIEW_LABELS[view]}
          <span className="rounded-full bg-surface-muted px-2 text-xs font-semibold tabular-nums text-fg">{list.counts[view]}</span>
        </Link>
      </li>
    );
  };

  return (
    <Page
      title="Orders"
      description="Orders placed in the shop and renewals. Open one to move it on, ship it or cancel it."
      above={(
        <p className="mb-2 flex flex-wrap gap-x-4 text-sm">
          <Link href="/emr/orders/subscriptions" className={linkClass}>Subscriptions</Link>
          {canManage ? <Link href="/emr/orders/import" className={linkClass}>Import tracking numbers (CSV)</Link> : null}
        </p>
      )}
    >
      <nav aria-label="Order views" className="space-y-2">
        <ul className="flex flex-wrap gap-2">{tab('all')}{tab('attention')}</ul>
        <ul className="flex flex-wrap gap-2" aria-label="Needs attention, by reason">{attentionViews.map((v) => tab(v))}</ul>
      </nav>

      <section aria-labelledby="orders-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="orders-heading" className="text-lg font-semibold">{ORDER_VIEW_LABELS[query.view]}</h2>
        <form method="get" action="/emr/orders" className="mt-3 flex flex-wrap items-end gap-3">
          {query.view !== 'all' ? <input type="hidden" name="view" value={query.view} /> : null}
          <div>
            <label htmlFor="status" className="block text-sm font-medium">Status</label>
            <select id="status" name="status" defaultValue={query.status ?? ''} className={control}>
              <option value="">All statuses</option>
              {ORDER_STATUSES.map((s) => <option key={s} value={s}>{ORDER_STATUS_LABELS[s]}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="assignee" className="block text-sm font-medium">Assigned to</label>
            <select id="assignee" name="assignee" defaultValue={assigneeFilterValue(query.assignee)} className={control}>
              <option value="">Anyone or nobody</option>
              <option value="me">Me</option>
              <option value="none">Nobody</option>
              <optgroup label="Teams">{options.teams.map((t) => <option key={t} value={`team:${t}`}>{t}</option>)}</optgroup>
              <optgroup label="Staff">{options.staff.map((s) => <option key={s.id} value={`staff:${s.id}`}>{s.fullName}</option>)}</optgroup>
            </select>
          </div>
          <div>
            <label htmlFor="product" className="block text-sm font-medium">Product</label>
            <select id="product" name="product" defaultValue={query.productId ?? ''} className={control}>
              <option value="">All products</option>
              {options.products.map((p) => <option key={p.id} value={p.id}>{p.name}{p.status === 'archived' ? ' (archived)' : ''}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="from" className="block text-sm font-medium">Placed from</label>
            <input id="from" name="from" type="date" defaultValue={query.from ?? ''} className={control} />
          </div>
          <div>
            <label htmlFor="to" className="block text-sm font-medium">to</label>
            <input id="to" name="to" type="date" defaultValue={query.to ?? ''} className={control} />
          </div>
          <button type="submit" className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Show</button>
          <Link href={hrefOf({ ...query, status: undefined, assignee: undefined, productId: undefined, from: undefined, to: undefined }, {})} className={`${linkClass} inline-flex min-h-11 items-center`}>Clear filters</Link>
        </form>

        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{ORDER_VIEW_LABELS[query.view]}, newest first, page {list.page}</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr>
                <th scope="col" className={th}>Order</th><th scope="col" className={th}>Patient</th><th scope="col" className={th}>Placed</th>
                <th scope="col" className={th}>Status</th><th scope="col" className={`${th} text-right`}>Total</th><th scope="col" className={th}>Assigned</th>
                <th scope="col" className={th}>Requirements</th><th scope="col" className={th}>Shipment</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {list.rows.map((o) => (
                <tr key={o.id}>
                  <td className={td}><Link href={`/emr/orders/${o.id}`} className={linkClass}>{o.label}</Link></td>
                  <td className={td}>
                    <Link href={`/emr/patients/${o.patient.id}`} className={linkClass}>{o.patient.lastName}, {o.patient.firstName}</Link>
                    <span className="block font-mono text-xs text-fg-muted">{o.patient.recordNumber}</span>
                  </td>
                  <td className={td}>{when.format(o.createdAt)}</td>
                  <td className={td}><OrderStatusBadge order={o.status} label={o.statusLabel} /></td>
                  <td className={`${td} text-right tabular-nums`}>{formatMoney(o.total, o.currency)}</td>
                  <td className={td}>{[o.assignedStaff?.fullName, o.assignedTeam].filter(Boolean).join(' · ') || '—'}</td>
                  <td className={`${td} tabular-nums`}>{o.requirements.total === 0 ? '—' : `${o.requirements.done} of ${o.requirements.total} done`}</td>
                  <td className={td}>{o.shipmentStatus ? SHIPMENT_STATUS_LABELS[o.shipmentStatus] : '—'}</td>
                </tr>
              ))}
              {list.rows.length === 0 ? <tr><td colSpan={8} className="px-3 py-6 text-center text-fg-muted">No orders here.</td></tr> : null}
            </tbody>
          </table>
        </div>
        {list.page > 1 || list.hasMore ? (
          <nav aria-label="Order pages" className="mt-3 flex items-center justify-between text-sm">
            {list.page > 1 ? <Link className={linkClass} href={hrefOf(query, { page: list.page - 1 })}>Newer orders</Link> : <span />}
            <span className="text-fg-muted">Page {list.page}</span>
            {list.hasMore ? <Link className={linkClass} href={hrefOf(query, { page: list.page + 1 })}>Older orders</Link> : <span />}
          </nav>
        ) : null}
      </section>
    </Page>
  );
}
