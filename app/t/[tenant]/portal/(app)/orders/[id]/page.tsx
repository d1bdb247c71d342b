import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderStatusBadge } from '@/components/commerce/orders/order-status-badge';
import { LineItem, TotalsList, type TotalRow } from '@/components/portal/line-items';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { portalBillingEnabled } from '@/lib/billing/settings';
import { getPortalOrder } from '@/lib/commerce/orders-portal';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { orders as catalog } from '@/lib/i18n/messages/orders';
import { getPortalI18n } from '@/lib/i18n/portal';
import { linkButton, orNotFound, portalZone, textLink } from '../order-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(catalog);
  return { title: t('title') };
}

/**
 * One order of the selected patient (issue 17 point 7): its status in their words, the items and
 * totals, the forms and uploads still to do with where to do them, and each package with the
 * carrier's tracking link. A phone shows items as blocks (no sideways scroll at 390 px).
 */
export default async function PortalOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const portal = await requirePortalPatient('orders');
  const { t, fmt, locale } = await getPortalI18n(catalog);
  const { id } = await params;
  const db = getDb();
  const [order, zone, billingShown] = await Promise.all([
    orNotFound(getPortalOrder(db, portal, id)),
    portalZone(portal),
    portalBillingEnabled(db, portal.tenant.id).catch(() => false),
  ]);
  const money = (minor: number) => formatMoney(minor, order.currency, INTL_LOCALE[locale]);
  const todo = order.requirements.filter((r) => !r.done);
  const totals: TotalRow[] = [[t('subtotal'), money(order.subtotal), false]];
  if (order.discountTotal > 0) totals.push([t('discount'), money(-order.discountTotal), false]);
  if (order.taxTotal > 0) totals.push([t('tax'), money(order.taxTotal), false]);
  totals.push([t('total'), money(order.total), true]);

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <p><Link href="/portal/orders" className={textLink}>{t('backToOrders')}</Link></p>
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">{t('orderNumber', { number: order.label })}</h1>
        <OrderStatusBadge order={order.status} label={t(`status_${order.status}`)} />
        <p className="text-sm text-fg-muted">{t('placedOn', { date: fmt.dateTime(order.createdAt, zone) })}</p>
      </header>

      {(order.status === 'awaiting_payment' || order.status === 'pending') && billingShown && order.invoiceId ? (
        <section className="space-y-3 rounded-xl border border-line bg-surface p-4" aria-label={t('payNow')}>
          <p>{order.status === 'awaiting_payment' ? t('payFailed') : t('payPending')}</p>
          {/* A full page load: the pay page's own CSP lets the card form in. */}
          <a href={`/portal/shop/checkout/${order.id}/pay`} className={linkButton}>{t('payNow')}</a>
        </section>
      ) : null}

      {order.requirements.length > 0 ? (
        <section aria-labelledby="todo-heading" className="space-y-2">
          <h2 id="todo-heading" className="text-lg font-semibold">{t('todoHeading')}</h2>
          {todo.length > 0 ? <p className="text-sm text-fg-muted">{t('todoIntro')}</p> : null}
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {order.requirements.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
                <div className="min-w-0">
                  <p className="break-words font-medium">{r.label}</p>
                  <p className="text-sm text-fg-muted">{r.kind === 'form' ? t('todoForm') : t('todoUpload')}</p>
                </div>
                {r.done ? <span className="font-medium">{t('todoDone')}</span>
                  : r.href ? <Link href={r.href} className={linkButton}>{r.kind === 'form' ? t('todoStart', { label: r.label }) : t('todoUploadStart', { label: r.label })}</Link>
                    : <span className="text-sm">{t('todoAskClinic')}</span>}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="items-heading" className="space-y-2">
        <h2 id="items-heading" className="text-lg font-semibold">{t('itemsHeading')}</h2>
        <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
          {order.lines.map((l) => (
            <LineItem key={l.id} description={l.description} amount={money(l.total)} details={[
              t('quantityOf', { quantity: l.quantity, price: money(l.unitAmount) }),
              l.cycleNumber ? t('cycleOf', { cycle: l.cycleNumber }) : null,
              l.discountAmount > 0 ? `${t('discount')}: ${money(-l.discountAmount)}` : null,
            ]} />
          ))}
        </ul>
        <TotalsList rows={totals} />
        {billingShown && order.invoiceId ? <p><Link href={`/portal/billing/invoices/${order.invoiceId}`} className={textLink}>{t('viewInvoice')}</Link></p> : null}
      </section>

      <section aria-labelledby="shipping-heading" className="space-y-2">
        <h2 id="shipping-heading" className="text-lg font-semibold">{t('shippingHeading')}</h2>
        {order.shipments.length === 0 ? <p className="rounded-xl border border-line bg-surface p-4 text-sm">{t('notShipped')}</p> : (
          <ul className="space-y-3">
            {order.shipments.map((s, i) => (
              <li key={s.id} className="space-y-2 rounded-xl border border-line bg-surface p-4">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h3 className="font-semibold">{t('packageOf', { number: i + 1 })}</h3>
                  <OrderStatusBadge shipment={s.status} label={t(`shipment_${s.status}`)} />
                </div>
                <dl className="grid gap-1 text-sm sm:grid-cols-2">
                  <div><dt className="text-fg-muted">{t('carrierTerm')}</dt><dd className="font-medium">{t(`carrier_${s.carrier}`)}</dd></div>
                  <div><dt className="text-fg-muted">{t('trackingTerm')}</dt><dd className="break-all font-mono">{s.trackingNumber}</dd></div>
                </dl>
                {s.shippedAt ? <p className="text-sm text-fg-muted">{t('shippedOn', { date: fmt.dateTime(s.shippedAt, zone) })}</p> : null}
                {s.deliveredAt ? <p className="text-sm text-fg-muted">{t('deliveredOn', { date: fmt.dateTime(s.deliveredAt, zone) })}</p> : null}
                {s.trackingUrl ? (
                  <a href={s.trackingUrl} target="_blank" rel="noopener noreferrer" className={textLink}>
                    {t('track', { carrier: t(`carrier_${s.carrier}`) })}<span className="sr-only"> {t('trackNewTab')}</span>
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {order.shipTo ? (
          <div className="text-sm">
            <p className="text-fg-muted">{t('shipTo')}</p>
            <p className="whitespace-pre-line break-words">{[order.shipTo.name, order.shipTo.line1, order.shipTo.line2, [order.shipTo.city, order.shipTo.region, order.shipTo.postalCode].filter(Boolean).join(' '), order.shipTo.country].filter(Boolean).join('\n')}</p>
          </div>
        ) : null}
      </section>
    </div>
  );
}
