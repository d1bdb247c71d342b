import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderStatusBadge } from '@/components/commerce/orders/order-status-badge';
import { EmptyState } from '@/components/portal/empty-state';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { listPortalOrders } from '@/lib/commerce/orders-portal';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { orders as catalog } from '@/lib/i18n/messages/orders';
import { getPortalI18n } from '@/lib/i18n/portal';
import { orNotFound, portalZone, textLink } from './order-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(catalog);
  return { title: t('title') };
}

/**
 * /portal/orders (issue 17 point 7): the selected patient's orders, newest first, each with its
 * status in the patient's words, its total and how many things are left to do. A parent acting
 * for a child sees the child's orders only.
 */
export default async function PortalOrdersPage() {
  const portal = await requirePortalPatient('orders');
  const { t, fmt, locale } = await getPortalI18n(catalog);
  const db = getDb();
  const [list, zone] = await Promise.all([orNotFound(listPortalOrders(db, portal)), portalZone(portal)]);
  const isSelf = portal.patient.relationship === 'self';
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{isSelf ? t('introSelf') : t('introOther', { name: `${portal.patient.firstName} ${portal.patient.lastName}` })}</p>
      </header>
      <section aria-labelledby="orders-heading" className="space-y-3">
        <h2 id="orders-heading" className="sr-only">{t('listHeading')}</h2>
        {list.length === 0 ? <EmptyState title={t('none')} /> : (
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {list.map((o) => (
              <li key={o.id} className="space-y-1 p-4">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <Link href={`/portal/orders/${o.id}`} className={textLink} aria-label={t('viewOrder', { number: o.label })}>{t('orderNumber', { number: o.label })}</Link>
                  <OrderStatusBadge order={o.status} label={t(`status_${o.status}`)} />
                </div>
                <p className="text-sm text-fg-muted">
                  {t('placedOn', { date: fmt.dateTime(o.createdAt, zone) })} · {t('totalAmount', { amount: formatMoney(o.total, o.currency, INTL_LOCALE[locale]) })}
                </p>
                {o.openRequirements > 0 ? (
                  <p className="text-sm font-medium">{o.openRequirements === 1 ? t('todoOne') : t('todoCount', { count: o.openRequirements })}</p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
