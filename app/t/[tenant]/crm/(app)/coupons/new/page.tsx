import type { Metadata } from 'next';
import Link from 'next/link';
import { CouponForm } from '@/components/commerce/crm/coupon-form';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { getBillingSettings } from '@/lib/billing/settings';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { listProductChoices } from '@/lib/commerce/products';
import { createCouponAction } from '../actions';

export const metadata: Metadata = { title: 'New coupon' };

/** /crm/coupons/new (commerce.catalog). */
export default async function NewCouponPage() {
  const ctx = await requireStaff('crm', 'commerce.catalog');
  const db = getDb();
  const [products, billing, timeZone] = await Promise.all([listProductChoices(db, ctx), getBillingSettings(db, ctx.tenant.id), clinicTimeZone(db, ctx.tenant.id)]);
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/coupons" className="link">Coupons</Link>
    </nav>
  );
  return (
    <Page title="New coupon" above={back} description="Checkout accepts the code as soon as it is saved, within its dates and limits.">
      <CouponForm action={createCouponAction} target={{ mode: 'create' }} currency={billing.currency} timeZone={timeZone} products={products} submitLabel="Add coupon" />
    </Page>
  );
}
