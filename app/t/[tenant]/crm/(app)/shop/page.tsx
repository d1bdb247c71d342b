import type { Metadata } from 'next';
import Link from 'next/link';
import { ShopSettingsForm } from '@/components/commerce/crm/shop-settings-form';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { getBillingSettings } from '@/lib/billing/settings';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { shopSettingsFormValues } from '@/lib/commerce/settings-forms';
import { saveShopSettingsAction } from './actions';

export const metadata: Metadata = { title: 'Shop' };

const linkClass = 'link';

/** /crm/shop (commerce.catalog): the shop's and subscriptions' options. */
export default async function ShopSettingsPage() {
  const ctx = await requireStaff('crm', 'commerce.catalog');
  const db = getDb();
  const [settings, billing] = await Promise.all([getCommerceSettings(db, ctx.tenant.id), getBillingSettings(db, ctx.tenant.id)]);
  return (
    <Page title="Shop" description={<>Whether patients can buy in the portal, and how subscriptions behave. What is sold is set in <Link href="/crm/products" className={linkClass}>Products</Link> and <Link href="/crm/coupons" className={linkClass}>Coupons</Link>.</>}>
      {!billing.paymentsEnabled ? (
        <p role="note" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          The clinic does not take payments yet, so the shop cannot open. {ctx.actor.permissions.has('billing.settings') ? <>Turn payments on in <Link href="/crm/billing" className={linkClass}>Billing</Link> first.</> : 'Ask someone who manages billing to turn payments on.'}
        </p>
      ) : null}
      <ShopSettingsForm action={saveShopSettingsAction} saved={shopSettingsFormValues(settings)} paymentsEnabled={billing.paymentsEnabled} />
    </Page>
  );
}
