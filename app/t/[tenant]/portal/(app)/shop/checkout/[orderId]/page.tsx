import type { Metadata } from 'next';
import Link from 'next/link';
import { FormMessage } from '@/components/ui/form-controls';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { ownOrder } from '@/lib/commerce/checkout';
import { listOrderRequirements } from '@/lib/commerce/requirements';
import { orderLabel } from '@/lib/commerce/settings';
import { patientZone } from '@/lib/conversations/display-message';
import { shop } from '@/lib/i18n/messages/shop';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { linkButton, orNotFound, requireShop, textLink } from '../checkout-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(shop);
  return { title: t('nextStepsHeading') };
}

/**
 * /portal/shop/checkout/[orderId]: where the patient lands after paying — the order's status and
 * its next steps (each form to fill, each file to upload, with links, and what is done). An
 * order waiting for payment offers another card. Anyone else's order is a 404.
 */
export default async function OrderNextStepsPage({ params, searchParams }: {
  params: Promise<{ orderId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const portal = await requirePortalPatient('orders');
  await requireShop(portal);
  const { t, fmt } = await getPortalI18n(shop);
  const { orderId } = await params;
  const query = await searchParams;
  const db = getDb();
  const order = await orNotFound(ownOrder(db, portal, orderId));
  const requirements = await listOrderRequirements(db, portal, order.id);
  const profile = await getTenantProfile(portal.tenant.id);
  const zone = patientZone(portal.account.timeZone, profile?.locations ?? []);
  const unpaid = order.status === 'pending' || order.status === 'awaiting_payment';
  const open = requirements.filter((r) => !r.completedAt);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">{t('orderTitle', { number: orderLabel(order.number) })}</h1>
        <p className="mt-1" data-testid="order-status">{t('statusLabel', { status: t(`status_${order.status}`) })}</p>
      </header>
      {query.paid === '1' && !unpaid ? <FormMessage tone="info" message={t('paidThanks')} /> : null}
      {order.status === 'awaiting_payment' ? (
        <div className="space-y-3">
          <FormMessage message={t('paymentFailed')} />
          {/* A full page load: the page may take a card with Stripe, whose scripts only its own policy allows. */}
          <a href={`/portal/shop/checkout/${order.id}/pay`} className={linkButton}>{t('payAgain')}</a>
        </div>
      ) : order.status === 'pending' ? (
        <div className="space-y-3">
          <FormMessage tone="info" message={t('paymentPending')} />
          <a href={`/portal/shop/checkout/${order.id}/pay`} className={textLink}>{t('payAgain')}</a>
        </div>
      ) : null}

      {!unpaid ? (
        <section aria-labelledby="next-steps-heading" className="space-y-3">
          <h2 id="next-steps-heading" className="text-lg font-semibold">{t('nextStepsHeading')}</h2>
          {requirements.length === 0 ? (
            <p className="rounded-xl border border-line bg-surface p-4">{t('noSteps')}</p>
          ) : (
            <>
              {open.length > 0 ? (
                <p>{order.requirementsDueAt ? t('nextStepsIntro', { date: fmt.day(order.requirementsDueAt, zone) }) : t('nextStepsNoDate')}</p>
              ) : null}
              <ul className="divide-y divide-line rounded-xl border border-line bg-surface" data-testid="next-steps">
                {requirements.map((r) => {
                  const done = r.completedAt !== null;
                  const href = r.kind === 'form'
                    ? (r.formAssignmentId ? `/portal/forms/${r.formAssignmentId}` : null)
                    : `/portal/shop/checkout/${order.id}/uploads/${r.id}`;
                  const words = r.kind === 'form' ? t('fillForm', { label: r.label }) : t('uploadFile', { label: r.label });
                  return (
                    <li key={r.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
                      {done || !href ? <span className="font-medium">{words}</span> : <Link href={href} className={textLink}>{words}</Link>}
                      <span className={`rounded-full px-2 py-0.5 text-sm font-semibold ${done ? 'bg-brand-soft text-fg' : 'bg-surface-muted text-fg'}`}>
                        {done ? t('stepDone') : t('stepToDo')}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </section>
      ) : null}
      <p><Link href="/portal/orders" className={textLink}>{t('viewOrders')}</Link></p>
    </div>
  );
}
