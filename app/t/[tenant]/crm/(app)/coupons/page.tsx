import type { Metadata } from 'next';
import Link from 'next/link';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { basisPointsToPercent } from '@/lib/billing/settings-forms';
import { couponListQuerySchema } from '@/lib/commerce/coupon-forms';
import { listCoupons, type CouponListRow } from '@/lib/commerce/coupons';

export const metadata: Metadata = { title: 'Coupons' };

const th = 'px-3 py-2 font-medium';
const td = 'px-3 py-2 align-top';
const linkClass = 'font-medium text-brand-accent underline underline-offset-2';
const tab = 'inline-flex min-h-11 items-center rounded-lg px-4 font-medium';
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function discount(c: CouponListRow, currency: string): string {
  return c.kind === 'percent' ? `${basisPointsToPercent(c.percentBp ?? 0)} % off` : `${formatMoney(c.amountOff ?? 0, currency)} off`;
}

function validity(c: CouponListRow): string {
  if (c.validFrom && c.validTo) return `${c.validFrom} to ${c.validTo}`;
  if (c.validFrom) return `From ${c.validFrom}`;
  if (c.validTo) return `Until ${c.validTo}`;
  return 'Always';
}

/** /crm/coupons (commerce.catalog): the clinic's coupons with how often each was used. */
export default async function CouponsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('crm', 'commerce.catalog');
  const { status } = couponListQuerySchema.parse({ status: first((await searchParams).status) });
  const { rows, currency, timeZone } = await listCoupons(getDb(), ctx, { status });

  return (
    <Page title="Coupons" description={`Codes patients type at checkout for a discount. Dates are in the clinic’s time zone (${timeZone}); codes match in any case.`}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Coupons by status" className="flex gap-2">
          <Link href="/crm/coupons" aria-current={status === 'active' ? 'page' : undefined} className={`${tab} ${status === 'active' ? 'bg-brand-soft' : 'border border-line hover:bg-surface-muted'}`}>Active</Link>
          <Link href="/crm/coupons?status=archived" aria-current={status === 'archived' ? 'page' : undefined} className={`${tab} ${status === 'archived' ? 'bg-brand-soft' : 'border border-line hover:bg-surface-muted'}`}>Archived</Link>
        </nav>
        <Link href="/crm/coupons/new" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">New coupon</Link>
      </div>

      <section aria-labelledby="coupons-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="coupons-heading" className="text-lg font-semibold">{status === 'active' ? 'Active coupons' : 'Archived coupons'}</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full min-w-[48rem] text-left text-sm">
            <caption className="sr-only">{status === 'active' ? 'Active coupons' : 'Archived coupons'}, by code</caption>
            <thead className="border-b border-line text-fg-muted">
              <tr>
                <th scope="col" className={th}>Code</th>
                <th scope="col" className={th}>Discount</th>
                <th scope="col" className={th}>Valid</th>
                <th scope="col" className={th}>Products</th>
                <th scope="col" className={th}>Rules</th>
                <th scope="col" className={`${th} text-right`}>Used / limit</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {rows.map((c) => (
                <tr key={c.id}>
                  <td className={td}>
                    <Link href={`/crm/coupons/${c.id}`} className={`${linkClass} font-mono`}>{c.code}</Link>
                    {c.description ? <span className="block text-xs text-fg-muted">{c.description}</span> : null}
                  </td>
                  <td className={td}>{discount(c, currency)}</td>
                  <td className={td}>{validity(c)}</td>
                  <td className={td}>{c.appliesToAll ? 'All' : `${c.productCount} chosen`}</td>
                  <td className={td}>
                    {[
                      c.perPatientLimit ? `${c.perPatientLimit} per patient` : null,
                      c.firstOrderOnly ? 'first order only' : null,
                      c.subscriptionCycles ? `${c.subscriptionCycles === 1 ? 'first payment' : `first ${c.subscriptionCycles} payments`} of a subscription` : null,
                    ].filter(Boolean).join('; ') || '—'}
                  </td>
                  <td className={`${td} text-right tabular-nums`}>{c.redemptionCount} / {c.maxRedemptions ?? 'no limit'}</td>
                </tr>
              ))}
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={6} className="px-3 py-6 text-center text-fg-muted">
                    {status === 'active' ? <>No coupons yet. <Link href="/crm/coupons/new" className={linkClass}>Add the first one</Link>.</> : 'No archived coupons.'}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
    </Page>
  );
}
