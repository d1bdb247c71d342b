import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { StatusButton } from '@/components/commerce/crm/catalog-buttons';
import { CouponForm } from '@/components/commerce/crm/coupon-form';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getBillingSettings } from '@/lib/billing/settings';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { getCouponForEdit } from '@/lib/commerce/coupons';
import { listProductChoices } from '@/lib/commerce/products';
import { archiveCouponAction, restoreCouponAction, updateCouponAction } from '../actions';

export const metadata: Metadata = { title: 'Coupon' };

const DONE: Record<string, string> = { created: 'Coupon added. Checkout accepts it now, within its dates and limits.' };

/** /crm/coupons/[id] (commerce.catalog): edit, archive or restore. */
export default async function CouponPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> }) {
  const ctx = await requireStaff('crm', 'commerce.catalog');
  const [{ id }, { done }] = await Promise.all([params, searchParams]);
  const db = getDb();
  const [coupon, products, billing, timeZone] = await Promise.all([
    getCouponForEdit(db, ctx, id), listProductChoices(db, ctx), getBillingSettings(db, ctx.tenant.id), clinicTimeZone(db, ctx.tenant.id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href={coupon.archived ? '/crm/coupons?status=archived' : '/crm/coupons'} className="link">
        {coupon.archived ? 'Archived coupons' : 'Coupons'}
      </Link>
    </nav>
  );
  const used = `Used ${coupon.redemptionCount} ${coupon.redemptionCount === 1 ? 'time' : 'times'}${coupon.maxRedemptions ? ` of ${coupon.maxRedemptions}` : ''}.`;
  return (
    <Page title={<span className="font-mono">{coupon.code}</span>} above={back} description={`${coupon.archived ? 'Archived: checkout does not accept it. ' : ''}${used}`}>
      {done && DONE[done] ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{DONE[done]}</p> : null}
      <CouponForm action={updateCouponAction} target={{ mode: 'update', couponId: coupon.id }} currency={billing.currency} timeZone={timeZone}
        products={products} values={coupon} submitLabel="Save coupon" />
      <CardSection id="coupon-status-heading" title={coupon.archived ? 'Archived' : 'Archive'}>
        <div className="mt-3">
          {coupon.archived ? (
            <StatusButton action={restoreCouponAction} target={{ couponId: coupon.id }} label="Restore coupon" pendingLabel="Restoring…" primary
              hint="Checkout accepts the code again, within its dates and limits." />
          ) : (
            <StatusButton action={archiveCouponAction} target={{ couponId: coupon.id }} label="Archive coupon" pendingLabel="Archiving…"
              hint="Checkout stops accepting the code. Orders that used it keep their discount, and it keeps its code." />
          )}
        </div>
      </CardSection>
    </Page>
  );
}
