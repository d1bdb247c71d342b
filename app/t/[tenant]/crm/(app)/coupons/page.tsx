import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogStatusBar, CatalogTable, catalogCell as td, catalogLink as linkClass } from '@/components/commerce/crm/catalog-list';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatMoney } from '@/lib/billing/money';
import { basisPointsToPercent } from '@/lib/billing/settings-forms';
import { couponListQuerySchema } from '@/lib/commerce/coupon-forms';
import { listCoupons, type CouponListRow } from '@/lib/commerce/coupons';

export const metadata: Metadata = { title: 'Coupons' };

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
  const title = status === 'active' ? 'Active coupons' : 'Archived coupons';

  return (
    <Page title="Coupons" description={`Codes patients type at checkout for a discount. Dates are in the clinic’s time zone (${timeZone}); codes match in any case.`}>
      <CatalogStatusBar path="/crm/coupons" status={status} label="Coupons by status" newLabel="New coupon" />

      <CatalogTable
        id="coupons-heading" title={title} caption={`${title}, by code`} items={rows}
        columns={[{ label: 'Code' }, { label: 'Discount' }, { label: 'Valid' }, { label: 'Products' }, { label: 'Rules' }, { label: 'Used / limit', end: true }]}
        empty={status === 'active' ? <>No coupons yet. <Link href="/crm/coupons/new" className={linkClass}>Add the first one</Link>.</> : 'No archived coupons.'}
      >
        {(c) => (
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
        )}
      </CatalogTable>
    </Page>
  );
}
