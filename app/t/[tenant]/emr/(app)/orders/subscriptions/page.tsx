import type { Metadata } from 'next';
import Link from 'next/link';
import { SubscriptionStatusBadge } from '@/components/commerce/subscriptions/subscription-status-badge';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { cardBrandLabel } from '@/lib/billing/staff-forms';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { parseSubscriptionListQuery, SUBSCRIPTION_STATUS_LABELS, SUBSCRIPTION_STATUSES } from '@/lib/commerce/subscription-forms';
import { listSubscriptions } from '@/lib/commerce/subscription-reads';
import { dateTimeFormat } from '@/lib/intl/date-time-format';

export const metadata: Metadata = { title: 'Subscriptions' };

const th = 'px-3 py-2 font-medium';
const td = 'cell';
const linkClass = 'link';

/**
 * /emr/orders/subscriptions (orders.view): the clinic's subscriptions, past due first (a failed
 * renewal needs attention), then by the next payment date; filtered by status and by a patient's
 * name or record number. Each links to its page and to the patient's chart.
 */
export default async function SubscriptionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'orders.view');
  const query = parseSubscriptionListQuery(await searchParams);
  const db = getDb();
  const [list, zone] = await Promise.all([listSubscriptions(db, ctx, query), clinicTimeZone(db, ctx.tenant.id)]);
  const day = dateTimeFormat('en-US', { dateStyle: 'medium', timeZone: zone });
  const page = query.page ?? 1;
  const href = (p: number) => {
    const search = new URLSearchParams();
    if (query.status) search.set('status', query.status);
    if (query.q) search.set('q', query.q);
    if (p > 1) search.set('page', String(p));
    const text = search.toString();
    return text ? `/emr/orders/subscriptions?${text}` : '/emr/orders/subscriptions';
  };

  return (
    <Page
      title="Subscriptions"
      above={<p className="mb-2"><Link href="/emr/orders" className={linkClass}>Orders</Link></p>}
      description="Patients’ subscriptions: failed renewals first, then the next payments. Open one to skip, pause, move or cancel it, or change its phase."
    >
      <section aria-labelledby="subscriptions-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="subscriptions-heading" className="sr-only">Subscriptions</h2>
        <form method="get" action="/emr/orders/subscriptions" className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="status" className="block text-sm font-medium">Status</label>
            <select id="status" name="status" defaultValue={query.status ?? ''} className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5">
              <option value="">All statuses</option>
              {SUBSCRIPTION_STATUSES.map((s) => <option key={s} value={s}>{SUBSCRIPTION_STATUS_LABELS[s]}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="q" className="block text-sm font-medium">Patient</label>
            <input id="q" name="q" type="search" defaultValue={query.q ?? ''} placeholder="Name or record number" className="mt-1 rounded-lg border border-line bg-surface px-3 py-2.5" />
          </div>
          <button type="submit" className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Show</button>
        </form>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="subscriptions-table">
            <caption className="sr-only">Subscriptions{query.status ? ` that are ${SUBSCRIPTION_STATUS_LABELS[query.status].toLowerCase()}` : ''}, past due first, page {page}</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr>
                <th scope="col" className={th}>Patient</th><th scope="col" className={th}>Product</th><th scope="col" className={th}>Status</th>
                <th scope="col" className={th}>Next payment</th><th scope="col" className={`${th} text-right`}>Amount</th><th scope="col" className={th}>Card</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {list.rows.map((s) => (
                <tr key={s.id}>
                  <td className={td}>
                    <Link href={`/emr/patients/${s.patientId}`} className={linkClass}>{s.patientName}</Link>
                    <span className="block font-mono text-xs text-fg-muted">{s.recordNumber}</span>
                  </td>
                  <td className={td}><Link href={`/emr/orders/subscriptions/${s.id}`} className={linkClass}>{s.productName}</Link></td>
                  <td className={td}><SubscriptionStatusBadge status={s.status} label={SUBSCRIPTION_STATUS_LABELS[s.status]} /></td>
                  <td className={td}>
                    {s.status === 'past_due' && s.nextRetryAt ? <>Retry {day.format(s.nextRetryAt)}<span className="block text-xs text-fg-muted">{s.failedAttempts} failed</span></>
                      : s.status === 'paused' && s.pausedUntil ? <>Paused until {s.pausedUntil}</>
                      : s.status === 'active' && s.nextCycleAt ? day.format(s.nextCycleAt) : '—'}
                  </td>
                  <td className={`${td} text-right tabular-nums`}>{s.nextAmount !== null && (s.status === 'active' || s.status === 'past_due' || s.status === 'paused') ? formatMoney(s.nextAmount, s.currency) : '—'}</td>
                  <td className={td}>{s.card ? `${cardBrandLabel(s.card.brand)} •••• ${s.card.last4}` : '—'}</td>
                </tr>
              ))}
              {list.rows.length === 0 ? <tr><td colSpan={6} className="px-3 py-6 text-center text-fg-muted">No subscriptions{query.status || query.q ? ' match these filters' : ' yet'}.</td></tr> : null}
            </tbody>
          </table>
        </div>
        {page > 1 || list.more ? (
          <nav aria-label="Subscription pages" className="mt-3 flex items-center justify-between text-sm">
            {page > 1 ? <Link className={linkClass} href={href(page - 1)}>Previous page</Link> : <span />}
            <span className="text-fg-muted">Page {page}</span>
            {list.more ? <Link className={linkClass} href={href(page + 1)}>Next page</Link> : <span />}
          </nav>
        ) : null}
      </section>
    </Page>
  );
}
