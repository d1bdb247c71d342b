import type { Metadata } from 'next';
import Link from 'next/link';
import { SubscriptionStatusBadge } from '@/components/commerce/subscriptions/subscription-status-badge';
import { EmptyState } from '@/components/portal/empty-state';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { listPortalSubscriptions } from '@/lib/commerce/subscription-reads';
import { INTL_LOCALE } from '@/lib/i18n/core';
import { subscriptionsMessages } from '@/lib/i18n/messages/subscriptions';
import { getPortalI18n } from '@/lib/i18n/portal';
import { zonedDate } from '@/lib/scheduling/zoned-time';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(subscriptionsMessages);
  return { title: t('title') };
}

/**
 * /portal/subscriptions (issue 17 point 8): the selected patient's subscriptions, the ones that
 * need them first (a failed payment), each with its status, next payment and amount, and a link
 * to its page where they change it.
 */
export default async function PortalSubscriptionsPage() {
  const portal = await requirePortalPatient('orders');
  const { t, fmt, locale } = await getPortalI18n(subscriptionsMessages);
  const db = getDb();
  const [list, zone] = await Promise.all([listPortalSubscriptions(db, portal), clinicTimeZone(db, portal.tenant.id)]);
  const money = (minor: number, currency: string) => formatMoney(minor, currency, INTL_LOCALE[locale]);
  const day = (instant: Date) => fmt.calendarDate(zonedDate(instant, zone));

  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{portal.patient.relationship === 'self' ? t('introSelf') : t('introOther', { name: portal.patient.firstName })}</p>
      </header>
      {list.length === 0 ? <EmptyState title={t('none')}>{t('noneHelp')}</EmptyState> : (
        <ul className="space-y-3" data-testid="subscriptions">
          {list.map((s) => (
            <li key={s.id}>
              <article aria-labelledby={`sub-${s.id}`} className="space-y-3 rounded-xl border border-line bg-surface p-4">
                <div className="flex flex-wrap items-center gap-2">
                  <h2 id={`sub-${s.id}`} className="text-lg font-semibold">{s.productName}</h2>
                  <SubscriptionStatusBadge status={s.status} label={t(`status_${s.status}`)} />
                </div>
                <dl className="grid gap-1 text-sm sm:grid-cols-2">
                  <div>
                    <dt className="text-fg-muted">{t('nextPaymentTerm')}</dt>
                    <dd className="font-medium">
                      {s.status === 'paused' && s.pausedUntil ? t('pausedUntil', { date: fmt.calendarDate(s.pausedUntil) })
                        : s.nextCycleAt && s.nextAmount !== null && (s.status === 'active' || s.status === 'past_due')
                          ? t('nextPaymentValue', { amount: money(s.nextAmount, s.currency), date: day(s.status === 'past_due' && s.nextRetryAt ? s.nextRetryAt : s.nextCycleAt) })
                          : t('noNextPayment')}
                    </dd>
                  </div>
                  {s.currentAmount !== null ? (
                    <div><dt className="text-fg-muted">{t('priceNowTerm')}</dt><dd className="font-medium tabular-nums">{money(s.currentAmount, s.currency)}</dd></div>
                  ) : null}
                </dl>
                {s.status === 'past_due' ? <p className="rounded-lg border-2 border-red-600 bg-red-50 p-2 text-sm font-medium text-red-900 dark:bg-red-950 dark:text-red-50">{s.nextRetryAt ? t('pastDueNotice', { date: day(s.nextRetryAt) }) : t('pastDueLast')}</p> : null}
                <p>
                  <Link href={`/portal/subscriptions/${s.id}`} className="inline-flex min-h-11 items-center link" data-testid="subscription-open">
                    {t('open', { product: s.productName })}
                  </Link>
                </p>
              </article>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
